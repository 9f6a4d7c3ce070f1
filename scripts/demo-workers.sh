#!/usr/bin/env bash
# DEMO ONLY: simulated workers for scripts/run-local.sh, written against the worker protocol in
# the README (kubectl patch of status.report through the status subresource). Not part of the
# operator. Usage: demo-workers.sh <namespace> <external-service-port or "">
set -uo pipefail
ns="$1"
service_port="${2:-}"
k() { kubectl -n "$ns" "$@"; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
field() { k get qrun "$1" -o jsonpath="{$2}" 2>/dev/null; }

# Claim the current attempt with a resourceVersion precondition; prints the attempt number.
claim() {
  local run=$1 worker=$2 rv attempt
  rv=$(field "$run" .metadata.resourceVersion)
  attempt=$(field "$run" .status.attempt)
  k patch qrun "$run" --subresource=status --type=merge -p "{
    \"metadata\": {\"resourceVersion\": \"$rv\"},
    \"status\": {\"report\": {\"attempt\": $attempt, \"worker\": \"$worker\", \"heartbeatAt\": \"$(now)\"}}}" \
    >/dev/null && echo "$attempt"
}
report() { # run attempt completed [extra json]
  k patch qrun "$1" --subresource=status --type=merge -p "{
    \"status\": {\"report\": {\"attempt\": $2, \"heartbeatAt\": \"$(now)\", \"completed\": $3 ${4:-}}}}" >/dev/null
}
finish() { k patch qrun "$1" --subresource=status --type=merge -p "{
    \"status\": {\"report\": {\"attempt\": $2, \"completed\": $3, \"outcome\": \"Succeeded\"}}}" >/dev/null; }
wait_for() { # run jsonpath value
  until [ "$(field "$1" "$2")" = "$3" ]; do sleep 0.5; done
}

# 1. A healthy worker: claims, reports progress, succeeds.
(
  wait_for demo-success .status.phase Pending
  a=$(claim demo-success worker-1)
  for i in $(seq 1 10); do sleep 1; report demo-success "$a" "$i" ", \"checkpoint\": \"item=$i\""; done
  finish demo-success "$a" 10
) &

# 2. A worker that dies at item 4; the next one resumes from the checkpoint the operator hands over.
(
  wait_for demo-resume .status.phase Pending
  a=$(claim demo-resume worker-2a)
  for i in 1 2 3 4; do sleep 1; report demo-resume "$a" "$i" ", \"checkpoint\": \"item=$i\""; done
  # worker-2a dies here: no more heartbeats
  wait_for demo-resume .status.attempt 2
  wait_for demo-resume .status.phase Pending
  from=$(field demo-resume .status.checkpoint); from=${from#item=}
  a=$(claim demo-resume worker-2b)
  for i in $(seq $((from + 1)) 10); do sleep 1; report demo-resume "$a" "$i" ", \"checkpoint\": \"item=$i\""; done
  finish demo-resume "$a" 10
) &

# 3. A slow worker: keeps heartbeating and advancing, but will not make the run deadline.
(
  wait_for demo-deadline .status.phase Pending
  a=$(claim demo-deadline worker-3)
  i=0
  while [ "$(field demo-deadline .status.phase)" != Failed ]; do
    sleep 2; i=$((i + 1)); report demo-deadline "$a" "$i"
  done
) &

# 4. A worker that submitted its batch to the external service and died; the service finished it.
if [ -n "$service_port" ]; then
  (
    wait_for demo-external .status.phase Pending
    a=$(claim demo-external worker-4)
    sleep 1; report demo-external "$a" 3 ", \"serviceJobId\": \"batch-7\""
    # worker-4 dies here; the batch completes on the service meanwhile
  ) &
fi
wait
