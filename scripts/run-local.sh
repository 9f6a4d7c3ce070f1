#!/usr/bin/env bash
# Runs the Runwarden operator for real.
#
# - If the cluster in KUBECONFIG (or ~/.kube/config) answers: applies the CRD from deploy/crds/
#   there (the operator refuses to start without it) and runs the operator in the foreground
#   (Ctrl-C stops it).
# - Otherwise, a DEMO: starts a local kube-apiserver + etcd on loopback (the tests' harness;
#   binaries from scripts/kube-binaries.sh), installs the CRD, runs the operator, applies
#   examples/ and runs simulated workers (scripts/demo-workers.sh) that follow the README's worker
#   protocol. A live table shows one run succeed, one lose its worker and resume from its
#   checkpoint, one miss its deadline and one found completed on the external service; then the
#   demo removes everything it started and exits. RUNWARDEN_DEMO_KEEP=1 keeps the operator and
#   API server running afterwards (Ctrl-C stops them).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "run-local: $*" >&2; }

log "building the operator"
./mvnw -B -q package -DskipTests

demo() {
  echo "=================================================================="
  echo " DEMO: no cluster reachable; running Runwarden against a local API"
  echo " server with simulated workers. Nothing outside ./target is touched."
  echo "=================================================================="
  scripts/kube-binaries.sh >/dev/null
  ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/local-cluster.classpath >/dev/null
  # Global, not local: the EXIT trap runs after this function has returned.
  dir=target/local-cluster
  pids=()
  mkdir -p "$dir" && rm -f "$dir/kubeconfig"
  cleanup() {
    set +e
    [ -n "${KUBECONFIG:-}" ] && kubectl delete qrun --all --wait=false >/dev/null 2>&1
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    log "demo stopped; everything it started is gone (logs in $dir/)"
  }
  trap cleanup EXIT
  java -Dtest.project.dir="$PWD" -Dtest.kubeconfig="$dir/kubeconfig" \
    -cp "target/test-classes:target/classes:$(cat target/local-cluster.classpath)" \
    io.runwarden.testing.LocalApiServer >"$dir/apiserver.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    grep -q KUBECONFIG= "$dir/apiserver.log" 2>/dev/null && break
    kill -0 "${pids[0]}" 2>/dev/null || { cat "$dir/apiserver.log" >&2; exit 1; }
    sleep 0.5
  done
  export KUBECONFIG="$PWD/$dir/kubeconfig"
  log "local API server up (KUBECONFIG=$KUBECONFIG); starting the operator (log: $dir/operator.log)"
  # The demo's "external service" is a file served on loopback, which the probe refuses unless told.
  java -Dquarkus.http.port=0 -Drunwarden.external.allowed-hosts=127.0.0.1 \
    -Drunwarden.external.allowed-networks=127.0.0.1/32 -jar target/quarkus-app/quarkus-run.jar >"$dir/operator.log" 2>&1 &
  pids+=($!)
  until grep -q "Operator started" "$dir/operator.log" 2>/dev/null; do
    kill -0 "${pids[1]}" 2>/dev/null || { cat "$dir/operator.log" >&2; exit 1; }
    sleep 0.5
  done

  # The "external service": a static JSON file saying batch-7 is completed.
  local port=""
  if command -v python3 >/dev/null; then
    mkdir -p "$dir/service/jobs" && echo '{"status":"completed"}' >"$dir/service/jobs/batch-7"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir/service" >"$dir/service.log" 2>&1 &
    pids+=($!)
  fi
  kubectl apply -f examples/qualification-run.yaml >/dev/null
  if [ -n "$port" ]; then
    sed "s/SERVICE_PORT/$port/" examples/demo-runs.yaml | kubectl apply -f - >/dev/null
  else
    log "python3 not found: the external-service run is left out"
    awk 'BEGIN{RS="---"} !/demo-external/ {printf "%s---", $0}' examples/demo-runs.yaml | kubectl apply -f - >/dev/null
  fi
  scripts/demo-workers.sh default "$port" >"$dir/workers.log" 2>&1 &
  pids+=($!)

  local demo_runs=4; [ -n "$port" ] || demo_runs=3
  for _ in $(seq 1 120); do
    clear 2>/dev/null || true
    echo "DEMO - Runwarden keeping four runs honest (kubectl get qrun):"; echo
    kubectl get qrun
    echo; echo "Latest events:"
    kubectl get events --sort-by=.lastTimestamp -o custom-columns=RUN:.involvedObject.name,REASON:.reason,MESSAGE:.message \
      | tail -n 6 | cut -c1-150
    done_count=$(kubectl get qrun -o jsonpath='{range .items[*]}{.metadata.name} {.status.phase}{"\n"}{end}' \
      | awk '$1 ~ /^demo-/ && ($2=="Succeeded" || $2=="Failed")' | wc -l)
    [ "$done_count" -ge "$demo_runs" ] && break
    sleep 2
  done
  echo
  log "demo finished. Expected: demo-success Succeeded; demo-resume Succeeded on attempt 2 from its"
  log "checkpoint; demo-deadline Failed (DeadlineExceeded); demo-external Succeeded"
  log "(CompletedExternally). What happened:"
  kubectl get qrun -o custom-columns=RUN:.metadata.name,PHASE:.status.phase,REASON:.status.reason,ATTEMPT:.status.attempt,CHECKPOINT:.status.checkpoint
  if [ "${RUNWARDEN_DEMO_KEEP:-}" = 1 ]; then
    log "RUNWARDEN_DEMO_KEEP=1: operator and API server keep running; Ctrl-C stops them"
    wait "${pids[1]}"
  fi
}

if kubectl version --request-timeout=5s >/dev/null 2>&1; then
  log "using the cluster of context '$(kubectl config current-context 2>/dev/null || echo '?')'"
  kubectl apply --server-side -f deploy/crds/
  log "starting the operator (Ctrl-C to stop)"
  java -jar target/quarkus-app/quarkus-run.jar
else
  demo
fi
