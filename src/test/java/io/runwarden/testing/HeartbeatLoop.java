package io.runwarden.testing;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A worker's heartbeat loop: reports {@code completed} every period until stopped ("dies"). */
public final class HeartbeatLoop implements AutoCloseable {

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong completed;

  public HeartbeatLoop(TestWorker worker, int attempt, long periodMillis, long startAt, long step) {
    this.completed = new AtomicLong(startAt);
    timer.scheduleAtFixedRate(
        () -> {
          try {
            worker.heartbeat(attempt, completed.addAndGet(step), "item=" + completed.get());
          } catch (RuntimeException e) {
            // a real worker keeps trying; the test asserts on the run, not on this loop
          }
        },
        0,
        periodMillis,
        TimeUnit.MILLISECONDS);
  }

  public long completed() {
    return completed.get();
  }

  /** The worker dies: no more heartbeats. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
