"""Runwarden worker library for Python (standard library only).

    from runwarden_worker import Worker

    with Worker.from_environment() as worker:
        claim = worker.claim()
        if not claim.claimed:
            raise SystemExit(0)  # another worker holds the attempt
        for item in range(claim.completed + 1, total + 1):
            process(item)
            worker.progress(item, checkpoint=f"item-{item}")  # cheap: coalesced
        worker.succeed()

It claims the open attempt exactly as the README's `claim` does, writes every report as the README's
`report` does (a JSON patch that tests the attempt and the worker), heartbeats on a background
thread at a third of the run's heartbeat limit, writes progress at most once per progress interval
(newest value wins), reads the run every heartbeat interval so an abandoned attempt is noticed
within one interval (`worker.cancelled` is a threading.Event; callbacks; AttemptCancelled from the
next call), and a suspended run likewise (`worker.suspended`, `wait_while_suspended()`,
`on_suspension`), retries transient API errors with backoff, and on SIGTERM writes the last progress.
"""

from __future__ import annotations

import random
import re
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional

from .api import Api, ApiError

__all__ = ["Worker", "Claimed", "Lost", "AttemptCancelled", "ApiError", "parse_duration"]

GROUP_VERSION = "runwarden.io/v1alpha1"
DEFAULT_HEARTBEAT = 30.0
REFUSAL_PATIENCE = 30.0  # seconds a 401/403 is tried again at least (an API server restarting)


class AttemptCancelled(Exception):
    """The attempt is no longer this worker's: a newer attempt, the run ended, another worker."""


@dataclass(frozen=True)
class Claimed:
    attempt: int
    completed: int
    checkpoint: Optional[str]
    service_job_id: Optional[str]
    heartbeat_timeout: Optional[float]
    claimed: bool = True


@dataclass(frozen=True)
class Lost:
    reason: str
    claimed: bool = False


_PART = re.compile(r"(\d+)(ms|s|m|h|d)")
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds in a Kubernetes-style duration: 250ms, 30s, 5m, 1h30m, 7d."""
    text = (text or "").strip()
    pos, total = 0, 0.0
    while pos < len(text):
        m = _PART.match(text, pos)
        if not m:
            raise ValueError(f"not a duration: {text!r}")
        total += int(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    if not text:
        raise ValueError("empty duration")
    return total


def heartbeat_interval(limit: Optional[float]) -> float:
    """A third of the limit (two missed heartbeats still leave a margin), between 1 and 30 s."""
    if limit is None:
        return DEFAULT_HEARTBEAT
    return min(max(limit / 3, 1.0), DEFAULT_HEARTBEAT)


def backoff(failures: int) -> float:
    """200 ms doubling to 5 s, each spread by up to 20 %."""
    base = min(0.2 * (2 ** min(max(failures - 1, 0), 10)), 5.0)
    return base - base * 0.2 * random.random()


class _Pending:
    """Report fields not yet written, newest value per field; a failed write puts them back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fields: Dict[str, Any] = {}

    def put(self, field: str, value: Any) -> None:
        with self._lock:
            self._fields[field] = value

    def empty(self) -> bool:
        with self._lock:
            return not self._fields

    def take(self) -> Dict[str, Any]:
        with self._lock:
            out, self._fields = self._fields, {}
            return out

    def restore(self, taken: Dict[str, Any]) -> None:
        with self._lock:
            merged = dict(taken)
            merged.update(self._fields)
            self._fields = merged


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class Worker:
    """One worker of one run: claim, report, finish. Use as a context manager."""

    def __init__(
        self,
        run: str,
        namespace: Optional[str] = None,
        *,
        attempt: Optional[int] = None,
        worker: Optional[str] = None,
        api: Optional[Api] = None,
        progress_interval: float = 5.0,
        claim_wait: float = 60.0,
        finish_within: float = 120.0,
        flush_on_sigterm: bool = True,
    ) -> None:
        if not run:
            raise ValueError("the run's name is required (RUNWARDEN_RUN)")
        self.api = api or Api()
        self.run = run
        self.namespace = namespace or self.api.namespace or "default"
        self.worker = worker or f"worker-{uuid.uuid4().hex[:8]}"
        self.expected_attempt = attempt
        self.progress_interval = progress_interval
        self.claim_wait = claim_wait
        self.finish_within = finish_within
        self.flush_on_sigterm = flush_on_sigterm
        self.attempt = 0
        self.cancelled = threading.Event()
        self.cancellation_reason: Optional[str] = None
        self._listeners: List[Callable[[str], None]] = []
        self._listeners_lock = threading.Lock()
        self._pending = _Pending()
        self._io = threading.RLock()  # one write at a time, in order (re-entered by SIGTERM)
        self._stop = threading.Event()
        self._finished = False
        self._interval = DEFAULT_HEARTBEAT
        self._last_write = 0.0
        self._last_check = 0.0
        self._retry_at = 0.0
        self._failures = 0
        self._refused_since = 0.0
        self._thread: Optional[threading.Thread] = None
        self._suspension = threading.Condition()
        self._suspended_as: Optional[str] = None
        self._suspension_listeners: List[Callable[[bool, Optional[str]], None]] = []

    @classmethod
    def from_environment(cls, env: Optional[Mapping[str, str]] = None, **kwargs: Any) -> "Worker":
        """RUNWARDEN_RUN, RUNWARDEN_NAMESPACE, RUNWARDEN_ATTEMPT, RUNWARDEN_WORKER or HOSTNAME."""
        import os

        env = os.environ if env is None else env
        attempt = env.get("RUNWARDEN_ATTEMPT")
        return cls(
            env.get("RUNWARDEN_RUN", ""),
            env.get("RUNWARDEN_NAMESPACE"),
            attempt=int(attempt) if attempt else None,
            worker=env.get("RUNWARDEN_WORKER") or env.get("HOSTNAME"),
            **kwargs,
        )

    # --- paths ---------------------------------------------------------------------------------

    def _path(self, plural: str) -> str:
        return f"/apis/{GROUP_VERSION}/namespaces/{self.namespace}/{plural}/{self.run}"

    # --- claim ---------------------------------------------------------------------------------

    def claim(self) -> Claimed | Lost:
        """Claims the open attempt; a lost race or an attempt not this pod's is a Lost, not an error."""
        if self.attempt:
            raise RuntimeError(f"attempt {self.attempt} is already claimed")
        deadline = time.monotonic() + self.claim_wait
        failures = 0
        while True:
            try:
                report = self.api.get(self._path("qualificationrunreports"))
            except ApiError as e:
                if not e.transient:
                    raise
                report, failures = None, failures + 1
            spec = (report or {}).get("spec") or {}
            status = (report or {}).get("status") or {}
            open_attempt = spec.get("attempt")
            if open_attempt is not None and self.expected_attempt is not None and open_attempt < self.expected_attempt:
                open_attempt = None  # this pod's attempt is not open yet
            if open_attempt is not None:
                if self.expected_attempt is not None and open_attempt != self.expected_attempt:
                    return Lost(f"this worker was started for attempt {self.expected_attempt}, and the run's open attempt is {open_attempt}")
                if status.get("attempt") == open_attempt:
                    return Lost(f"attempt {open_attempt} is already claimed by {status.get('worker')}")
                try:
                    self.api.json_patch(
                        self._path("qualificationrunreports") + "/status",
                        [
                            {"op": "replace", "path": "/metadata/resourceVersion", "value": report["metadata"]["resourceVersion"]},
                            {"op": "add", "path": "/status", "value": {"attempt": open_attempt, "worker": self.worker, "heartbeatAt": _now()}},
                        ],
                    )
                except ApiError as e:
                    if e.code == 409:
                        return Lost(f"another worker claimed attempt {open_attempt} first")
                    if not e.transient:
                        raise
                    failures += 1
                    time.sleep(backoff(failures))
                    continue
                return self._claimed(spec, open_attempt)
            if time.monotonic() > deadline:
                return Lost(f"the run {self.run} opened no attempt within {self.claim_wait:.0f}s")
            time.sleep(backoff(failures) if failures else 0.5)

    def _claimed(self, spec: Dict[str, Any], attempt: int) -> Claimed:
        self.attempt = attempt
        limit = parse_duration(spec["heartbeatTimeout"]) if spec.get("heartbeatTimeout") else None
        self._interval = heartbeat_interval(limit)
        self._last_write = self._last_check = time.monotonic()
        self._thread = threading.Thread(target=self._loop, name=f"runwarden-worker-{self.run}", daemon=True)
        self._thread.start()
        if self.flush_on_sigterm and threading.current_thread() is threading.main_thread():
            if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                signal.signal(signal.SIGTERM, self._on_sigterm)
        return Claimed(attempt, int(spec.get("completed") or 0), spec.get("checkpoint"), spec.get("serviceJobId"), limit)

    # --- reports -------------------------------------------------------------------------------

    def progress(self, completed: int, checkpoint: Optional[str] = None) -> None:
        """Items done so far (across attempts when resuming), and where to resume. Cheap: coalesced."""
        self._set("completed", int(completed))
        if checkpoint is not None:
            self._set("checkpoint", checkpoint)

    def checkpoint(self, checkpoint: str) -> None:
        self._set("checkpoint", checkpoint)

    def spent(self, amount: int) -> None:
        """What this attempt has spent so far against the run's spec.budget (tokens, cents, calls):
        cumulative, counting from 0 in each attempt. Cheap: coalesced. At the limit the run ends
        BudgetExhausted, which this worker then sees as a cancellation."""
        self._set("spent", int(amount))

    def total(self, total: int) -> None:
        self._set("total", int(total))

    def service_job_id(self, job_id: str) -> None:
        self._set("serviceJobId", job_id)

    def message(self, text: str) -> None:
        self._set("message", text)

    def _set(self, field: str, value: Any) -> None:
        self._require_active()
        self._pending.put(field, value)

    def flush(self) -> None:
        """Writes whatever is pending now."""
        self._require_active()
        self._write(raise_transient=True)
        self.raise_if_cancelled()

    def succeed(self) -> None:
        """The attempt succeeded; the newest progress and checkpoint go with the outcome."""
        self._finish({"outcome": "Succeeded"})

    def fail(self, error: str, retryable: bool = True) -> None:
        """The attempt failed; retryable=False fails the run at once (NonRetryable)."""
        self._finish({"outcome": "Failed", "error": error, "retryable": bool(retryable)})

    def _finish(self, outcome: Dict[str, Any]) -> None:
        self._require_active()
        self._finished = True
        for k, v in outcome.items():
            self._pending.put(k, v)
        give_up = time.monotonic() + self.finish_within
        try:
            while not self._pending.empty() and not self.cancelled.is_set():
                self._write()
                if not self._pending.empty() and not self.cancelled.is_set():
                    if time.monotonic() > give_up:
                        raise TimeoutError(f"the outcome could not be written within {self.finish_within:.0f}s")
                    time.sleep(backoff(self._failures))
        finally:
            self._stop.set()
        self.raise_if_cancelled()

    # --- cancellation --------------------------------------------------------------------------

    def on_cancel(self, callback: Callable[[str], None]) -> None:
        """Called once, from the library's thread, when the attempt is cancelled (at once if it was)."""
        with self._listeners_lock:
            if not self.cancelled.is_set():
                self._listeners.append(callback)
                return
        callback(self.cancellation_reason or "cancelled")

    def raise_if_cancelled(self) -> None:
        if self.cancelled.is_set():
            raise AttemptCancelled(self.cancellation_reason)

    def _require_active(self) -> None:
        if not self.attempt:
            raise RuntimeError("claim() an attempt first")
        self.raise_if_cancelled()
        if self._finished:
            raise RuntimeError("the attempt's outcome was already reported")

    # --- suspension ----------------------------------------------------------------------------

    @property
    def suspended(self) -> bool:
        """True while the run is Suspended (spec.suspend, or its budget spent with onExhausted:
        Suspend), as of the library's last look at the run (once per heartbeat interval)."""
        return self._suspended_as is not None

    def wait_while_suspended(self) -> None:
        """Returns at once unless the run is Suspended; then blocks, heartbeating, until it is
        resumed (seen within one heartbeat interval). Raises AttemptCancelled if the attempt ends
        meanwhile (the run deadline still applies to a suspended run). Call it between work items:
        a run suspended for its budget must stop spending."""
        self.raise_if_cancelled()
        with self._suspension:
            while self._suspended_as is not None and not self.cancelled.is_set():
                self._suspension.wait()
        self.raise_if_cancelled()

    def on_suspension(self, callback: Callable[[bool, Optional[str]], None]) -> None:
        """Called from the library's thread when it sees the run suspended (True, the reason) and
        again when resumed (False, None)."""
        self._suspension_listeners.append(callback)

    def _set_suspended(self, reason: Optional[str]) -> None:
        with self._suspension:
            if reason == self._suspended_as or (reason is not None and self._suspended_as is not None):
                return
            self._suspended_as = reason
            self._suspension.notify_all()
        for callback in list(self._suspension_listeners):
            try:
                callback(reason is not None, reason)
            except Exception:  # noqa: BLE001 - one listener must not stop the others
                pass

    def _cancel(self, reason: str) -> None:
        with self._listeners_lock:
            if self.cancelled.is_set():
                return
            self.cancellation_reason = reason
            self.cancelled.set()
            listeners, self._listeners = self._listeners, []
        with self._suspension:
            self._suspension.notify_all()  # a wait_while_suspended() ends with AttemptCancelled
        for callback in listeners:
            try:
                callback(reason)
            except Exception:  # noqa: BLE001 - one listener must not stop the others
                pass

    # --- the background loop -------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.wait(0.1):
            try:
                self._tick()
            except Exception:  # noqa: BLE001 - the schedule must not die
                pass

    def _tick(self) -> None:
        if self.cancelled.is_set() or self._finished:
            return
        now = time.monotonic()
        heartbeat_due = now - self._last_write >= self._interval
        progress_due = not self._pending.empty() and now - self._last_write >= min(self.progress_interval, self._interval)
        if (heartbeat_due or progress_due) and now >= self._retry_at:
            self._write()
        if not self.cancelled.is_set() and now - self._last_check >= self._interval:
            self._last_check = now
            self._check_run()

    def _write(self, raise_transient: bool = False) -> None:
        with self._io:
            if self.cancelled.is_set():
                return
            fields = self._pending.take()
            ops = [
                {"op": "test", "path": "/spec/attempt", "value": self.attempt},
                {"op": "test", "path": "/status/worker", "value": self.worker},
                {"op": "add", "path": "/status/heartbeatAt", "value": _now()},
            ] + [{"op": "add", "path": f"/status/{k}", "value": v} for k, v in fields.items()]
            try:
                self.api.json_patch(self._path("qualificationrunreports") + "/status", ops)
                self._last_write = time.monotonic()
                self._failures = 0
                self._retry_at = 0.0
                self._refused_since = 0.0
            except ApiError as e:
                self._pending.restore(fields)
                if e.transient or self._refusal_may_pass(e):
                    self._failures += 1
                    self._retry_at = time.monotonic() + backoff(self._failures)
                    if raise_transient:
                        raise
                elif e.code == 422:
                    self._cancel(f"attempt {self.attempt} is no longer this worker's: a newer attempt is open or another worker claimed it")
                elif e.code == 404:
                    self._cancel(f"the run {self.run} is gone")
                else:
                    self._cancel(f"the API server refused this worker's report: {e}")

    def _refusal_may_pass(self, e: ApiError) -> bool:
        """A 401/403 is tried again for the run's heartbeat limit (at least 30 s): an API server that
        has just restarted refuses requests until its RBAC caches are filled; longer is real."""
        if e.code not in (401, 403):
            return False
        now = time.monotonic()
        if not self._refused_since:
            self._refused_since = now
        return now - self._refused_since < max(self._interval * 3, REFUSAL_PATIENCE)

    def _check_run(self) -> None:
        try:
            run = self.api.get(self._path("qualificationruns"))
        except ApiError:
            return  # the next check (and the next write) will tell
        if run is None:
            self._cancel(f"the run {self.run} is gone")
            return
        status = run.get("status") or {}
        phase, current = status.get("phase"), status.get("attempt")
        if phase in ("Succeeded", "Failed"):
            self._cancel(f"the run {self.run} has {phase.lower()} ({status.get('reason')})")
        elif current is not None and current > self.attempt:
            self._cancel(f"the run {self.run} is on attempt {current}; attempt {self.attempt} was abandoned")
        else:
            self._set_suspended(str(status.get("reason") or "Suspended") if phase == "Suspended" else None)

    # --- shutdown ------------------------------------------------------------------------------

    def _on_sigterm(self, signum: int, frame: Any) -> None:
        if self.attempt and not self._finished and not self.cancelled.is_set():
            try:
                self._write()
            except Exception:  # noqa: BLE001 - going away anyway
                pass
        raise SystemExit(128 + signum)

    def close(self) -> None:
        """Stops heartbeating. An attempt left without an outcome ends by its limits."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def __enter__(self) -> "Worker":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
