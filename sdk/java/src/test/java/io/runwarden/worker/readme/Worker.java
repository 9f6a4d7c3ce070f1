package io.runwarden.worker.readme;

import io.runwarden.worker.Claim;
import io.runwarden.worker.RunwardenWorker;

public class Worker {

  public static void main(String[] args) throws Exception {
    try (RunwardenWorker worker = RunwardenWorker.fromEnvironment()) {
      if (!(worker.claim() instanceof Claim.Claimed claimed)) {
        return; // another worker holds the attempt, or it is no longer open
      }
      long total = 20;
      for (long item = claimed.completed() + 1; item <= total; item++) {
        worker.awaitWhileSuspended(); // throws once the attempt is abandoned; waits while suspended
        process(item);
        worker.progress(item, "item-" + item); // cheap: written at most every few seconds
      }
      worker.succeed(); // carries the last progress and checkpoint
    }
  }

  static void process(long item) throws InterruptedException {
    Thread.sleep(200); // the work: a page to scrape, a batch of prompts
    System.out.println("item " + item + " done");
  }
}
