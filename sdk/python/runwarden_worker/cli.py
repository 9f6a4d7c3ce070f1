"""runwarden-worker run -- CMD...: a worker for programs that cannot take a library.

It claims the attempt, starts CMD with the resume point in its environment (RUNWARDEN_ATTEMPT,
RUNWARDEN_COMPLETED, RUNWARDEN_CHECKPOINT, RUNWARDEN_SERVICE_JOB_ID), heartbeats while CMD lives,
reads progress from lines CMD prints:

    ::runwarden completed=7 checkpoint=page-7
    ::runwarden total=120 message="fetching page 8" serviceJobId=batch-42 error="portal said 503"
    ::runwarden spent=180000          (against the run's spec.budget: this attempt's, cumulative)

(values may be quoted as in a shell; other lines pass through), maps CMD's exit code to the outcome
(0: success; a code listed in --non-retryable-exit-codes: a failure the run does not retry; any
other: a retryable failure, with the last `error=` as its message), forwards SIGTERM and SIGINT to
CMD, and stops CMD (SIGTERM, then SIGKILL after --grace) when the attempt is cancelled. While the
run is Suspended (spec.suspend, or its budget spent with onExhausted: Suspend) CMD and its children
are paused (SIGSTOP to CMD's process group, SIGCONT when the run is resumed): a program that cannot
ask the library cannot otherwise stop spending. Heartbeats go on meanwhile.
Exit code: CMD's, or 3 when there was no attempt to claim, 4 when the attempt was cancelled.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
from typing import Any, Dict, List, Optional

from . import AttemptCancelled, Worker, parse_duration

PREFIX = "::runwarden "
FIELDS = {"completed", "checkpoint", "total", "spent", "message", "serviceJobId", "error"}


def parse_line(line: str) -> Optional[Dict[str, str]]:
    """The key=value pairs of a progress line, or None for any other line."""
    if not line.startswith(PREFIX):
        return None
    out: Dict[str, str] = {}
    for token in shlex.split(line[len(PREFIX):]):
        key, sep, value = token.partition("=")
        if sep and key in FIELDS:
            out[key] = value
    return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="runwarden-worker", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="claim the run's attempt and run CMD as its worker")
    run.add_argument("--non-retryable-exit-codes", default="", help="comma-separated exit codes that fail the run without a retry, e.g. 2,42")
    run.add_argument("--grace", default="10s", help="how long CMD may take to stop after SIGTERM when the attempt is cancelled (default 10s)")
    run.add_argument("--json-events", action="store_true", help="print the wrapper's own events (lost, cancelled, suspended, resumed, finished) as JSON lines on stdout")
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD [ARGS...]")
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("run needs a command after --")
    fatal = {int(c) for c in args.non_retryable_exit_codes.split(",") if c.strip()}
    return _run(cmd, fatal, parse_duration(args.grace), args.json_events)


def _run(cmd: List[str], fatal: set, grace: float, json_events: bool) -> int:
    lock = threading.Lock()

    def event(name: str, **fields: Any) -> None:
        if json_events:
            with lock:
                print(json.dumps({"event": name, **fields}), flush=True)

    with Worker.from_environment(flush_on_sigterm=False) as worker:
        claim = worker.claim()
        if not claim.claimed:
            print(f"runwarden-worker: nothing to do: {claim.reason}", file=sys.stderr)
            event("lost", reason=claim.reason)
            return 3
        env = dict(os.environ)
        env["RUNWARDEN_ATTEMPT"] = str(claim.attempt)
        env["RUNWARDEN_COMPLETED"] = str(claim.completed)
        env.pop("RUNWARDEN_CHECKPOINT", None)
        if claim.checkpoint is not None:
            env["RUNWARDEN_CHECKPOINT"] = claim.checkpoint
        if claim.service_job_id is not None:
            env["RUNWARDEN_SERVICE_JOB_ID"] = claim.service_job_id
        # Its own process group, so a suspension pauses CMD's children too.
        child = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
        stopping = threading.Event()

        def stop_child(reason: str) -> None:
            event("cancelled", reason=reason)
            stopping.set()
            _terminate(child, grace)

        def pause_child(suspended: bool, reason: Optional[str]) -> None:
            if child.poll() is not None or stopping.is_set():
                return
            _signal_group(child, signal.SIGSTOP if suspended else signal.SIGCONT)
            if suspended:
                event("suspended", reason=reason)
            else:
                event("resumed")

        worker.on_suspension(pause_child)

        worker.on_cancel(lambda reason: threading.Thread(target=stop_child, args=(reason,), daemon=True).start())

        def forward(signum: int, frame: Any) -> None:
            stopping.set()
            if child.poll() is None:
                child.send_signal(signum)
                _signal_group(child, signal.SIGCONT)  # a paused CMD must run to act on it

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)

        error: Optional[str] = None
        assert child.stdout is not None
        for line in child.stdout:
            fields = parse_line(line.rstrip("\n"))
            if fields is None:
                sys.stdout.write(line)
                sys.stdout.flush()
                continue
            try:
                if "error" in fields:
                    error = fields["error"]
                if "completed" in fields:
                    worker.progress(int(fields["completed"]), fields.get("checkpoint"))
                elif "checkpoint" in fields:
                    worker.checkpoint(fields["checkpoint"])
                if "total" in fields:
                    worker.total(int(fields["total"]))
                if "spent" in fields:
                    worker.spent(int(fields["spent"]))
                if "message" in fields:
                    worker.message(fields["message"])
                if "serviceJobId" in fields:
                    worker.service_job_id(fields["serviceJobId"])
            except AttemptCancelled:
                event("late-report", refused=True)
            except ValueError as e:
                print(f"runwarden-worker: ignored {line.strip()!r}: {e}", file=sys.stderr)
        code = child.wait()
        if code < 0:
            code = 128 - code  # killed by a signal: the shell's convention (SIGTERM: 143)
        if worker.cancelled.is_set():
            return 4
        if stopping.is_set():
            # SIGTERM from outside (the pod is going away): keep what was reported, decide nothing.
            try:
                worker.flush()
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
            return code
        try:
            if code == 0:
                worker.succeed()
                event("finished", outcome="Succeeded")
            else:
                worker.fail(error or f"{cmd[0]} exited {code}", retryable=code not in fatal)
                event("finished", outcome="Failed")
        except AttemptCancelled as e:
            event("cancelled", reason=str(e))
            return 4
        return code


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # CMD is gone already


def _terminate(child: subprocess.Popen, grace: float) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    _signal_group(child, signal.SIGCONT)  # a paused CMD must run to act on SIGTERM
    try:
        child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        child.kill()


if __name__ == "__main__":
    sys.exit(main())
