"""The Python library's conformance worker (sdk/conformance/README.md): driven by environment
variables, prints what happened as JSON lines, uses only the library's public API."""

import json
import os
import sys
import threading
import time

from runwarden_worker import AttemptCancelled, Worker

_print_lock = threading.Lock()


def emit(event, **fields):
    with _print_lock:
        print(json.dumps({"event": event, **fields}), flush=True)


def main():
    env = os.environ
    items = int(env.get("CONFORMANCE_ITEMS", "0"))
    item_ms = int(env.get("CONFORMANCE_ITEM_MS", "100"))
    crash_at = int(env.get("CONFORMANCE_CRASH_AT", "0"))
    hold_ms = int(env.get("CONFORMANCE_HOLD_MS", "0"))
    fail = env.get("CONFORMANCE_FAIL")
    until_cancelled = env.get("CONFORMANCE_UNTIL_CANCELLED") == "1"
    print_items = env.get("CONFORMANCE_PRINT_ITEMS") == "1"
    spend_per_item = int(env.get("CONFORMANCE_SPEND_PER_ITEM", "0"))
    pause_while_suspended = env.get("CONFORMANCE_PAUSE_WHILE_SUSPENDED") == "1"

    with Worker.from_environment() as worker:
        claim = worker.claim()
        if not claim.claimed:
            emit("lost", reason=claim.reason)
            sys.exit(3)
        emit("claimed", attempt=claim.attempt, completed=claim.completed, checkpoint=claim.checkpoint)
        worker.on_cancel(lambda reason: emit("cancelled", reason=reason))
        try:
            for i in range(claim.completed + 1, items + 1):
                time.sleep(item_ms / 1000)
                worker.progress(i, checkpoint=f"item-{i}")
                if spend_per_item:
                    worker.spent(i * spend_per_item)
                if print_items:
                    emit("item", n=i)
                if pause_while_suspended and worker.suspended:
                    emit("suspended", at=i)
                    worker.wait_while_suspended()
                    emit("resumed", at=i)
                if i == crash_at:
                    worker.flush()
                    emit("crashing", at=i)
                    os._exit(137)  # no cleanup: a killed process
            if until_cancelled:
                while not worker.cancelled.wait(0.2):
                    try:
                        worker.message("still working")  # a zombie keeps reporting until told
                    except AttemptCancelled:
                        break
                time.sleep(0.2)  # let the callback's line out first
                try:
                    worker.progress(999_999, checkpoint="zombie")
                    emit("late-report", refused=False)
                except AttemptCancelled:
                    emit("late-report", refused=True)
                sys.exit(4)
            time.sleep(hold_ms / 1000)
            if fail:
                worker.fail("conformance: asked to fail", retryable=(fail == "retryable"))
                emit("finished", outcome="Failed")
            else:
                worker.succeed()
                emit("finished", outcome="Succeeded")
        except AttemptCancelled as e:
            emit("cancelled", reason=str(e))
            sys.exit(4)


if __name__ == "__main__":
    main()
