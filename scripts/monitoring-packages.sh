#!/usr/bin/env bash
# Provides Prometheus, promtool and Alertmanager for the monitoring tests: Debian's packages
# (prometheus, prometheus-alertmanager), installed with apt when missing. Idempotent: when the
# binaries are there it returns at once. Needs root (or sudo) the first time on a machine.
# The packages' services are not started: the tests run their own instances.
set -euo pipefail

need=(prometheus promtool prometheus-alertmanager)
missing() {
  local b
  for b in "${need[@]}"; do command -v "$b" >/dev/null || return 0; done
  return 1
}
if ! missing; then
  exit 0
fi
as_root=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || {
    echo "monitoring-packages: run as root once: apt-get install prometheus prometheus-alertmanager" >&2
    exit 1
  }
  as_root=(sudo)
fi
echo "monitoring-packages: installing Debian's prometheus and prometheus-alertmanager" >&2
"${as_root[@]}" apt-get update -qq
# policy-rc.d 101: the packages' services must not start (no init system here, and the tests
# start their own).
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  policy=/usr/sbin/policy-rc.d
  "${as_root[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy"
fi
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  prometheus prometheus-alertmanager >/dev/null
[ -z "$policy" ] || "${as_root[@]}" rm -f "$policy"  # only what this script added
missing && { echo "monitoring-packages: still missing one of ${need[*]}" >&2; exit 1; }
exit 0
