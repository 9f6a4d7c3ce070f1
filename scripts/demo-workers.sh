#!/usr/bin/env bash
# DEMO ONLY: simulated workers for scripts/run-local.sh, written against the worker protocol in
# the README (its claim and report functions, through the run's QualificationRunReport). Not part
# of the operator. Usage: demo-workers.sh <namespace> <external-service-port or "">
set -uo pipefail
ns="$1"
service_port="${2:-}"
k() { kubectl -n "$ns" "$@"; }
field() { k get qrun "$1" -o jsonpath="{$2}" 2>/dev/null; }

# The documented worker protocol (docs/worker-contract.md): claim and report (scripts/worker-protocol.sh), used as written.
# shellcheck source=scripts/worker-protocol.sh
source "$(dirname "$0")/worker-protocol.sh"
export NS="$ns"
wait_for() { # run jsonpath value
  until [ "$(field "$1" "$2")" = "$3" ]; do sleep 0.5; done
}

# 1. A healthy worker: claims, reports progress, succeeds.
(
  R=demo-success W=worker-1
  wait_for "$R" .status.phase Pending
  claim
  for i in $(seq 1 10); do sleep 1; report completed "$i" checkpoint "\"item=$i\""; done
  report completed 10 outcome '"Succeeded"'
) &

# 2. A worker that dies at item 4; the next one resumes from the checkpoint the operator hands over.
(
  R=demo-resume W=worker-2a
  wait_for "$R" .status.phase Pending
  claim
  for i in 1 2 3 4; do sleep 1; report completed "$i" checkpoint "\"item=$i\""; done
  # worker-2a dies here: no more heartbeats
  wait_for "$R" .status.attempt 2
  wait_for "$R" .status.phase Pending
  W=worker-2b
  claim
  from=${CP#item=}
  for i in $(seq $((from + 1)) 10); do sleep 1; report completed "$i" checkpoint "\"item=$i\""; done
  report completed 10 outcome '"Succeeded"'
) &

# 3. A slow worker: keeps heartbeating and advancing, but will not make the run deadline.
(
  R=demo-deadline W=worker-3
  wait_for "$R" .status.phase Pending
  claim
  i=0
  while [ "$(field "$R" .status.phase)" != Failed ]; do
    sleep 2; i=$((i + 1)); report completed "$i"
  done
) &

# 4. A worker that submitted its batch to the external service and died; the service finished it.
if [ -n "$service_port" ]; then
  (
    R=demo-external W=worker-4
    wait_for "$R" .status.phase Pending
    claim
    sleep 1; report completed 3 serviceJobId '"batch-7"'
    # worker-4 dies here; the batch completes on the service meanwhile
  ) &
fi
wait
