package io.runwarden.bench;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** What both loads (runs and Jobs) need: paced creation and a watch of every change. */
final class Arrivals {

  private Arrivals() {}

  /**
   * Calls {@code create} for 0..n-1 at {@code perSecond}, from 8 threads so a slow create does not
   * delay the next arrival; returns when all have run. A failure is printed and passed to {@code
   * failed}: a scheduled task's exception would otherwise vanish into its future.
   */
  static void paced(int n, double perSecond, IntConsumer create, Runnable failed) {
    ScheduledExecutorService creators = Executors.newScheduledThreadPool(8);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      int index = i;
      long due = start + (long) (i * 1e9 / perSecond);
      creators.schedule(
          () -> {
            try {
              create.accept(index);
            } catch (RuntimeException | Error e) {
              failed.run();
              System.out.println("create #" + index + " failed: " + e);
            }
          },
          due - System.nanoTime(),
          TimeUnit.NANOSECONDS);
    }
    creators.shutdown();
    RunLoad.awaitQuietly(creators, Duration.ofMinutes(30));
  }

  /** Every added or updated object, to one observer (deletes do not matter to the loads). */
  static <T> ResourceEventHandler<T> onChange(Consumer<T> observe) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        observe.accept(obj);
      }

      @Override
      public void onUpdate(T old, T obj) {
        observe.accept(obj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }
}
