#!/usr/bin/env bash
# The command wrapper's conformance worker (sdk/conformance/README.md): a plain script run as
#   runwarden-worker run --json-events --non-retryable-exit-codes 2 -- bash conformance_child.sh
# It reports with `::runwarden` lines only; the wrapper does the rest.
set -u
checkpoint=null
[ -n "${RUNWARDEN_CHECKPOINT:-}" ] && checkpoint="\"$RUNWARDEN_CHECKPOINT\""
echo "{\"event\":\"claimed\",\"attempt\":$RUNWARDEN_ATTEMPT,\"completed\":$RUNWARDEN_COMPLETED,\"checkpoint\":$checkpoint}"
item_s=$(awk "BEGIN {print ${CONFORMANCE_ITEM_MS:-100} / 1000}")
for ((i = RUNWARDEN_COMPLETED + 1; i <= ${CONFORMANCE_ITEMS:-0}; i++)); do
  sleep "$item_s"
  echo "::runwarden completed=$i checkpoint=item-$i${CONFORMANCE_SPEND_PER_ITEM:+ spent=$((i * CONFORMANCE_SPEND_PER_ITEM))}"
  [ "${CONFORMANCE_PRINT_ITEMS:-}" = 1 ] && echo "{\"event\":\"item\",\"n\":$i}"
  if [ "$i" = "${CONFORMANCE_CRASH_AT:-0}" ]; then
    echo "{\"event\":\"crashing\",\"at\":$i}"
    exit 137 # as if killed: the wrapper reports a retryable failure with the last checkpoint
  fi
done
if [ "${CONFORMANCE_UNTIL_CANCELLED:-}" = 1 ]; then
  trap 'echo "::runwarden completed=999999 checkpoint=zombie"; exit 143' TERM
  while true; do
    echo '::runwarden message="still working"'
    sleep 0.2 &
    wait $!
  done
fi
sleep "$(awk "BEGIN {print ${CONFORMANCE_HOLD_MS:-0} / 1000}")"
case "${CONFORMANCE_FAIL:-}" in
  fatal) echo '::runwarden error="conformance: asked to fail"'; exit 2 ;;
  retryable) echo '::runwarden error="conformance: asked to fail"'; exit 1 ;;
esac
exit 0
