package io.runwarden.worker.conformance;

import io.runwarden.worker.AttemptCancelledException;
import io.runwarden.worker.Claim;
import io.runwarden.worker.RunwardenWorker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Java library's conformance worker (sdk/conformance/README.md): one program, driven by
 * environment variables, that prints what happened as JSON lines. It uses only the library's public
 * API, as a worker application would; the operator's conformance suite starts it with this build's
 * classes and target/classpath.txt.
 */
public final class ConformanceWorker {

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    int items = Integer.parseInt(env.getOrDefault("CONFORMANCE_ITEMS", "0"));
    long itemMs = Long.parseLong(env.getOrDefault("CONFORMANCE_ITEM_MS", "100"));
    int crashAt = Integer.parseInt(env.getOrDefault("CONFORMANCE_CRASH_AT", "0"));
    long holdMs = Long.parseLong(env.getOrDefault("CONFORMANCE_HOLD_MS", "0"));
    String fail = env.get("CONFORMANCE_FAIL");
    boolean untilCancelled = "1".equals(env.get("CONFORMANCE_UNTIL_CANCELLED"));
    boolean printItems = "1".equals(env.get("CONFORMANCE_PRINT_ITEMS"));
    long spendPerItem = Long.parseLong(env.getOrDefault("CONFORMANCE_SPEND_PER_ITEM", "0"));
    boolean pauseWhileSuspended = "1".equals(env.get("CONFORMANCE_PAUSE_WHILE_SUSPENDED"));

    try (RunwardenWorker worker = RunwardenWorker.fromEnvironment()) {
      Claim claim = worker.claim();
      if (!(claim instanceof Claim.Claimed claimed)) {
        print("lost", "reason", ((Claim.Lost) claim).reason());
        System.exit(3);
        return;
      }
      print(
          "claimed",
          "attempt",
          claimed.attempt(),
          "completed",
          claimed.completed(),
          "checkpoint",
          claimed.checkpoint().orElse(null));
      CountDownLatch cancelled = new CountDownLatch(1);
      worker.onCancel(
          reason -> {
            print("cancelled", "reason", reason);
            cancelled.countDown();
          });
      try {
        for (long i = claimed.completed() + 1; i <= items; i++) {
          Thread.sleep(itemMs);
          worker.progress(i, "item-" + i);
          if (spendPerItem > 0) worker.spent(i * spendPerItem);
          if (printItems) print("item", "n", i);
          if (pauseWhileSuspended && worker.isSuspended()) {
            print("suspended", "at", i);
            worker.awaitWhileSuspended();
            print("resumed", "at", i);
          }
          if (i == crashAt) {
            worker.flush();
            print("crashing", "at", i);
            Runtime.getRuntime().halt(137); // no shutdown hooks: a killed process
          }
        }
        if (untilCancelled) {
          while (!cancelled.await(200, TimeUnit.MILLISECONDS)) {
            try {
              worker.message("still working"); // a zombie keeps reporting until told
            } catch (AttemptCancelledException e) {
              break; // told by the exception a moment before the callback ran
            }
          }
          cancelled.await(5, TimeUnit.SECONDS);
          try {
            worker.progress(999_999, "zombie");
            print("late-report", "refused", false);
          } catch (AttemptCancelledException e) {
            print("late-report", "refused", true);
          }
          System.exit(4);
        }
        Thread.sleep(holdMs);
        if (fail != null) {
          worker.fail("conformance: asked to fail", "retryable".equals(fail));
          print("finished", "outcome", "Failed");
        } else {
          worker.succeed();
          print("finished", "outcome", "Succeeded");
        }
      } catch (AttemptCancelledException e) {
        print("cancelled", "reason", e.getMessage());
        System.exit(4);
      }
    }
    System.exit(0);
  }

  private static synchronized void print(String event, Object... kv) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event", event);
    for (int i = 0; i + 1 < kv.length; i += 2) line.put((String) kv[i], kv[i + 1]);
    StringBuilder json = new StringBuilder("{");
    line.forEach(
        (k, v) -> {
          if (json.length() > 1) json.append(',');
          json.append('"').append(k).append("\":");
          if (v == null) json.append("null");
          else if (v instanceof Number || v instanceof Boolean) json.append(v);
          else
            json.append('"')
                .append(v.toString().replace("\\", "\\\\").replace("\"", "\\\""))
                .append('"');
        });
    System.out.println(json.append('}'));
    System.out.flush();
  }
}
