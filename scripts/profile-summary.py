#!/usr/bin/env python3
"""Summarises async-profiler's collapsed stacks (scripts/profile-bench.sh) of the operator's process:
the share of CPU samples by thread kind, by component, and the callers of the JSON reads.

Each sample counts once, for the innermost frame that belongs to a known component (Jackson,
Runwarden, the Operator SDK, Fabric8, Vert.x, netty, ...): the JDK and kernel frames under a
component are that component's cost. JIT compiler and GC threads count as such.

Usage: scripts/profile-summary.py target/profile/operator-<pid>.collapsed
"""
import collections
import re
import sys

COMPONENTS = [
    ("Jackson (JSON)", "com/fasterxml/jackson"),
    ("Runwarden", "io/runwarden"),
    ("Operator SDK", "io/javaoperatorsdk"),
    ("Fabric8 client", "io/fabric8"),
    ("Vert.x", "io/vertx"),
    ("netty (HTTP, TLS, sockets)", "io/netty"),
    ("Micrometer", "io/micrometer"),
    ("logging", "org/jboss/log"),
    ("Quarkus", "io/quarkus"),
    ("SmallRye", "io/smallrye"),
]


def samples(path):
    with open(path) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if stack:
                yield stack.split(";"), int(count)


def main(path):
    total = 0
    threads, components, json_callers = collections.Counter(), collections.Counter(), collections.Counter()
    for frames, n in samples(path):
        total += n
        thread = re.sub(r"\d+", "N", re.sub(r" tid=\d+\]", "]", frames[0]))
        threads[thread] += n
        if "CompilerThre" in thread:
            components["JIT compiler"] += n
            continue
        if thread.startswith("[VM Thread") or thread.startswith("[GC"):
            components["GC and safepoints"] += n
            continue
        for frame in reversed(frames[1:]):
            name = next((c for c, prefix in COMPONENTS if frame.startswith(prefix)), None)
            if name:
                components[name] += n
                break
        else:
            components["kernel" if frames[-1].endswith("_[k]") else "JDK and other"] += n
        first = next((i for i, f in enumerate(frames) if f.startswith("com/fasterxml/jackson")), None)
        if first is not None:
            caller = next(
                (re.sub(r"_\[.\]$", "", f) for f in reversed(frames[:first])
                 if f.startswith(("io/runwarden", "io/fabric8", "io/javaoperatorsdk"))), "other")
            json_callers[caller] += n
    print(f"{total} samples")
    for title, counter, top in [("By thread", threads, 8), ("By component", components, 20),
                                ("JSON, by caller", json_callers, 8)]:
        print(f"\n{title}:")
        for key, n in counter.most_common(top):
            print(f"{100 * n / total:5.1f} %  {key}")


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(f"== {p}")
        main(p)
