package io.runwarden.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The library's decisions that need no API server. */
class PureTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({"250ms, 250", "30s, 30000", "5m, 300000", "1h30m, 5400000", "7d, 604800000"})
  void durationsAreTheRunsOwn(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void aDurationThatIsNotOneIsRefused() {
    assertThatThrownBy(() -> Durations.parse("5 minutes"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "limit {0} -> heartbeat every {1}")
  @CsvSource({"3s, 1s", "2s, 1s", "30s, 10s", "5m, 30s", ", 30s"})
  void heartbeatsComeAtAThirdOfTheLimitBetweenOneAndThirtySeconds(String limit, String every) {
    Optional<Duration> l = Optional.ofNullable(limit).map(Durations::parse);
    assertThat(RunwardenWorker.heartbeatInterval(l)).isEqualTo(Durations.parse(every));
  }

  @ParameterizedTest(name = "HTTP {0} transient: {1}")
  @CsvSource({
    "0, true",
    "408, true",
    "429, true",
    "500, true",
    "503, true",
    "504, true",
    "501, false",
    "400, false",
    "403, false",
    "404, false",
    "409, false",
    "422, false"
  })
  void onlyTransientErrorsAreRetried(int code, boolean retried) {
    assertThat(Retries.transientError(new KubernetesClientException("x", code, null)))
        .isEqualTo(retried);
  }

  @Test
  void backoffDoublesFrom200msUpTo5sWithJitterBelowIt() {
    for (int failures = 1; failures < 20; failures++) {
      long cap = Math.min(200L << Math.min(failures - 1, 10), 5000);
      assertThat(Retries.backoff(failures).toMillis()).isBetween((long) (cap * 0.8), cap);
    }
  }

  @Test
  void pendingFieldsKeepTheNewestValueAndAFailedWriteLosesNothing() {
    PendingReport p = new PendingReport();
    for (long i = 1; i <= 1000; i++) {
      p.put("completed", i);
      p.put("checkpoint", "item-" + i);
    }
    Map<String, Object> taken = p.take();
    assertThat(taken).containsEntry("completed", 1000L).containsEntry("checkpoint", "item-1000");
    assertThat(p.isEmpty()).isTrue();

    p.put("completed", 1001L); // arrives while the write of 1000 is in flight, which then fails
    p.restore(taken);

    assertThat(p.take()).containsEntry("completed", 1001L).containsEntry("checkpoint", "item-1000");
  }
}
