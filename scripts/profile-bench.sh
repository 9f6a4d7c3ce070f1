#!/usr/bin/env bash
# Where the operator's CPU goes: the default benchmark without the Job controller, each operator
# process it starts profiled by async-profiler (Java, JIT compiler and GC threads, BoringSSL and the
# kernel alike, which Java Flight Recorder does not see), then summarised by component.
#
#   scripts/profile-bench.sh [more -Dbench.* options]
#
# The profiler comes from Maven Central (tools.profiler:async-profiler); its stacks are left in
# target/profile/operator-<pid>.collapsed, one per operator process (first start, the measured run,
# the restart with every run present), for flame graphs or scripts/profile-summary.py.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.1
case "$(uname -m)" in
  x86_64) platform=linux-x64 ;;
  aarch64) platform=linux-arm64 ;;
  *) echo "profile-bench: no async-profiler build for $(uname -m)" >&2; exit 1 ;;
esac
out="$PWD/target/profile"
mkdir -p "$out" && rm -f "$out"/operator-*.collapsed
./mvnw -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:$version \
  -DoutputDirectory="$out" -Dmdep.overWriteIfNewer=true
(cd "$out" && unzip -o -q async-profiler-$version.jar "$platform/libasyncProfiler.so")
agent="-agentpath:$out/$platform/libasyncProfiler.so=start,event=cpu,interval=5ms"
agent="$agent,file=$out/operator-%p.collapsed,collapsed,threads"
./mvnw -B -Pbench verify -Dbench.anchor=false "-Dbench.operatorArgs=$agent" "$@"
scripts/profile-summary.py "$out"/operator-*.collapsed
