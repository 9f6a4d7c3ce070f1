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
    ClientRateLimit.Bucket limit = new ClientRateLimit(10, 3, 1, 1, now::get).decisions();
    assertThat(limit.reserve()).isZero();
    assertThat(limit.reserve()).isZero();
    assertThat(limit.reserve()).isZero();
    // The bucket is empty: the next callers wait 100 ms, 200 ms, ... each for its own token.
    assertThat(millis(limit.reserve())).isEqualTo(100);
    assertThat(millis(limit.reserve())).isEqualTo(200);
  }

  @Test
  void tokensComeBackAtTheRateUpToTheBurst() {
    ClientRateLimit.Bucket limit = new ClientRateLimit(10, 2, 1, 1, now::get).decisions();
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

  @Test
  void eventsQueueInTheirOwnBucketAndNeverHoldBackADecision() {
    ClientRateLimit limit = new ClientRateLimit(10, 2, 5, 2, now::get);
    String create = "/api/v1/namespaces/team-a/events";
    String countPatch = "/api/v1/namespaces/team-a/events/run-1.18f2a";
    String statusWrite = "/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationruns/r/status";

    // A thousand runs end at once: their Events drain the events' bucket and queue 200 ms apart.
    for (int i = 0; i < 1_000; i++) {
      limit.bucketFor(i % 2 == 0 ? create : countPatch, null).reserve();
    }
    assertThat(millis(limit.bucketFor(create, null).reserve())).isGreaterThan(190_000);

    // The next decision's status write and its fresh read still pass at once.
    assertThat(limit.bucketFor(statusWrite, null).reserve()).isZero();
    assertThat(
            limit
                .bucketFor(
                    "/apis/runwarden.io/v1alpha1/namespaces/team-a/qualificationruns/r", null)
                .reserve())
        .isZero();
  }

  @Test
  void onlyEventsOfANamespaceTakeTheEventsBucket() {
    assertThat(ClientRateLimit.isEvent("/api/v1/namespaces/a/events")).isTrue();
    assertThat(ClientRateLimit.isEvent("/api/v1/namespaces/a/events/r.1")).isTrue();
    assertThat(ClientRateLimit.isEvent("/apis/events.k8s.io/v1/namespaces/a/events")).isTrue();
    // A run or a Job named "events" is not an Event.
    assertThat(ClientRateLimit.isEvent("/api/v1/namespaces/events")).isFalse();
    assertThat(
            ClientRateLimit.isEvent(
                "/apis/runwarden.io/v1alpha1/namespaces/a/qualificationruns/events"))
        .isFalse();
    assertThat(ClientRateLimit.isEvent("/api/v1/namespaces/a/pods/events")).isFalse();
    assertThat(ClientRateLimit.isEvent("/api/v1/namespaces/a/events/r.1/extra")).isFalse();
  }
}
