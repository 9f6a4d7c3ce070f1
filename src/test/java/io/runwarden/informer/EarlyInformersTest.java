package io.runwarden.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The controller's other informers start at once, each on its own thread, and an early start that
 * fails is left for the SDK's own.
 */
@Tag("pure")
class EarlyInformersTest {

  @Test
  void everyInformerStartsAtOnceAndTheCallReturnsBeforeAnyHasListed() throws Exception {
    // Each start waits until both have begun: started one after the other, neither would finish.
    CountDownLatch bothBegun = new CountDownLatch(2);
    CountDownLatch listed = new CountDownLatch(1);
    Informer reports = new Informer("reports", bothBegun, listed);
    Informer jobs = new Informer("jobs", bothBegun, listed);
    EarlyInformers early = new EarlyInformers();
    early.add(reports);
    early.add(jobs);

    early.startEach();

    assertThat(reports.isRunning() || jobs.isRunning()).isFalse();
    assertThat(bothBegun.await(10, TimeUnit.SECONDS)).isTrue();
    listed.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> reports.isRunning() && jobs.isRunning());
    assertThat(reports.starts.get()).isEqualTo(1);
    assertThat(jobs.starts.get()).isEqualTo(1);
  }

  @Test
  void aFailedEarlyStartIsLeftForTheSdksOwnStart() {
    Informer reports = new Informer("reports", new CountDownLatch(0), new CountDownLatch(0));
    reports.failures.set(1);
    EarlyInformers early = new EarlyInformers();
    early.add(reports);

    early.startEach();

    await().atMost(Duration.ofSeconds(10)).until(() -> reports.starts.get() == 1);
    assertThat(reports.isRunning()).isFalse();
    reports.start(); // the SDK's own start
    assertThat(reports.isRunning()).isTrue();
  }

  /** Stands in for an informer event source: its start lists (waits) and may fail. */
  private static final class Informer extends AbstractEventSource<ConfigMap, ConfigMap> {
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    private final CountDownLatch begun;
    private final CountDownLatch listed;

    Informer(String name, CountDownLatch begun, CountDownLatch listed) {
      super(ConfigMap.class, name);
      this.begun = begun;
      this.listed = listed;
    }

    @Override
    public synchronized void start() {
      if (isRunning()) return;
      starts.incrementAndGet();
      begun.countDown();
      try {
        if (!begun.await(10, TimeUnit.SECONDS) || !listed.await(10, TimeUnit.SECONDS)) return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (failures.getAndDecrement() > 0) throw new IllegalStateException("cannot list");
      super.start();
    }

    @Override
    public Set<ConfigMap> getSecondaryResources(ConfigMap primary) {
      return Set.of();
    }
  }
}
