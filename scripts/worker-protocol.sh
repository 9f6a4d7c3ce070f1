# The worker protocol with kubectl alone (kubectl 1.24+). Set R (the run), W (this worker's name)
# and, outside the run's namespace, NS.
claim() {  # claims the open attempt of $R; sets A (the attempt), DONE and CP (where it resumes)
  local rv taken
  { read -r rv; read -r A; read -r taken; read -r DONE; CP=$(cat); } < <(
    kubectl get qreport "$R" ${NS:+-n "$NS"} -o jsonpath='{.metadata.resourceVersion}{"\n"}{.spec.attempt}{"\n"}{.status.attempt}{"\n"}{.spec.completed}{"\n"}{.spec.checkpoint}')
  if [ -z "$A" ] || [ "$taken" = "$A" ]; then echo "no open attempt of $R to claim" >&2; return 1; fi
  kubectl patch qreport "$R" ${NS:+-n "$NS"} --subresource=status --type=json -p "[
    {\"op\": \"replace\", \"path\": \"/metadata/resourceVersion\", \"value\": \"$rv\"},
    {\"op\": \"add\", \"path\": \"/status\", \"value\": {\"attempt\": $A, \"worker\": \"$W\", \"heartbeatAt\": \"$(date -u +%FT%TZ)\"}}]" >/dev/null
}
report() {  # report [FIELD JSON-VALUE]...: a heartbeat and the fields given; fails once attempt $A is not ours
  local ops="{\"op\": \"test\", \"path\": \"/spec/attempt\", \"value\": $A},
    {\"op\": \"test\", \"path\": \"/status/worker\", \"value\": \"$W\"},
    {\"op\": \"add\", \"path\": \"/status/heartbeatAt\", \"value\": \"$(date -u +%FT%TZ)\"}"
  while [ $# -ge 2 ]; do ops="$ops, {\"op\": \"add\", \"path\": \"/status/$1\", \"value\": $2}"; shift 2; done
  kubectl patch qreport "$R" ${NS:+-n "$NS"} --subresource=status --type=json -p "[$ops]" >/dev/null
}
