import time

from runwarden_worker import Worker


def process(item: int) -> None:
    time.sleep(0.2)  # the work: a page to scrape, a batch of prompts
    print(f"item {item} done", flush=True)


with Worker.from_environment() as worker:
    claim = worker.claim()
    if not claim.claimed:
        raise SystemExit(0)  # another worker holds the attempt, or it is no longer open
    total = 20
    for item in range(claim.completed + 1, total + 1):
        worker.wait_while_suspended()  # raises once the attempt is abandoned; waits while suspended
        process(item)
        worker.progress(item, checkpoint=f"item-{item}")  # cheap: written at most every few seconds
    worker.succeed()  # carries the last progress and checkpoint
