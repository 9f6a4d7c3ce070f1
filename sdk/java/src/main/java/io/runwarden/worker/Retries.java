package io.runwarden.worker;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which API errors are worth trying again, and how long to wait: like client-go's, transient
 * failures (no answer, a timeout, 429, 5xx, an API server restarting) are retried with a capped,
 * jittered exponential backoff; anything else is an answer.
 */
final class Retries {

  static final Duration FIRST = Duration.ofMillis(200);
  static final Duration MAX = Duration.ofSeconds(5);

  private Retries() {}

  static boolean transientError(KubernetesClientException e) {
    int code = e.getCode();
    return code == 0 || code == 408 || code == 429 || (code >= 500 && code != 501);
  }

  /**
   * The wait before try {@code failures + 1}: 200 ms doubling to 5 s, each spread by up to 20 %.
   */
  static Duration backoff(int failures) {
    long base = FIRST.toMillis() << Math.min(Math.max(failures - 1, 0), 10);
    long capped = Math.min(base, MAX.toMillis());
    long jitter = (long) (capped * 0.2 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(capped - jitter);
  }
}
