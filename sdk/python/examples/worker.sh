#!/usr/bin/env bash
# Run as: runwarden-worker run -- bash worker.sh
# The wrapper claims the attempt and passes the resume point in RUNWARDEN_COMPLETED and
# RUNWARDEN_CHECKPOINT; this script reports with ::runwarden lines and its exit code.
for ((item = RUNWARDEN_COMPLETED + 1; item <= 20; item++)); do
  sleep 0.2 # the work: a page to scrape, a batch of prompts
  echo "item $item done"
  echo "::runwarden completed=$item checkpoint=item-$item"
done
