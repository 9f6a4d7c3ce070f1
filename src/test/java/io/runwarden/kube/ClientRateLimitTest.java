package io.runwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class ClientRateLimitTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  @Test
  void aBurstPassesAtOnceThenRequestsQueueOneIntervalApart() {
    ClientRateLimit limit = new ClientRateLimit(10, 3, now::get);
    assertThat(limit.reserve()).isZero();
    assertThat(limit.reserve()).isZero();
    assertThat(limit.reserve()).isZero();
    // The bucket is empty: the next callers wait 100 ms, 200 ms, ... each for its own token.
    assertThat(millis(limit.reserve())).isEqualTo(100);
    assertThat(millis(limit.reserve())).isEqualTo(200);
  }

  @Test
  void tokensComeBackAtTheRateUpToTheBurst() {
    ClientRateLimit limit = new ClientRateLimit(10, 2, now::get);
    limit.reserve();
    limit.reserve();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
    assertThat(limit.reserve()).as("one token back after 1/qps").isZero();
    assertThat(millis(limit.reserve())).isEqualTo(100);
    now.addAndGet(TimeUnit.SECONDS.toNanos(60));
    // A long idle time refills only up to the burst.
    assertThat(limit.reserve()).isZero();
    assertThat(limit.reserve()).isZero();
    assertThat(millis(limit.reserve())).isEqualTo(100);
  }

  @Test
  void watchesAndTheLeaseAreNotLimited() {
    assertThat(
            ClientRateLimit.exempt(
                "/apis/runwarden.io/v1alpha1/qualificationruns", "watch=true&resourceVersion=1"))
        .isTrue();
    assertThat(ClientRateLimit.exempt("/api/v1/pods", "labelSelector=a&watch=true")).isTrue();
    assertThat(
            ClientRateLimit.exempt(
                "/apis/coordination.k8s.io/v1/namespaces/ops/leases/runwarden-operator", null))
        .isTrue();
    assertThat(ClientRateLimit.exempt("/apis/runwarden.io/v1alpha1/qualificationruns", "limit=500"))
        .isFalse();
    assertThat(
            ClientRateLimit.exempt(
                "/apis/runwarden.io/v1alpha1/namespaces/a/qualificationruns/r/status", null))
        .isFalse();
  }
}
