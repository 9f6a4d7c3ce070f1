package io.runwarden.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.time.Duration;

/**
 * One namespace's runs as the API server has them (never a cache), and the waits tests make on
 * them: the one copy every API-server test uses.
 */
public record Runs(KubernetesClient client, String namespace) {

  /** How long a test waits for the operator by default: far above any rule's own timing. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  /** The run, or null when there is none. */
  public QualificationRun get(String name) {
    return client.resources(QualificationRun.class).inNamespace(namespace).withName(name).get();
  }

  /** The run's phase, or null when it has none yet (or no longer exists). */
  public Phase phase(String name) {
    QualificationRun r = get(name);
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }

  /**
   * Waits up to {@link #WAIT} for the run to be in {@code phase}, and returns it as it was then.
   */
  public QualificationRun awaitPhase(String name, Phase phase) {
    return awaitPhase(name, phase, WAIT);
  }

  public QualificationRun awaitPhase(String name, Phase phase, Duration atMost) {
    return await()
        .atMost(atMost)
        .until(
            () -> get(name),
            r -> r != null && r.getStatus() != null && r.getStatus().getPhase() == phase);
  }
}
