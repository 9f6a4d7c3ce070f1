package io.runwarden.concurrency;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.Admission;
import io.runwarden.lifecycle.QueuePosition;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The shell around {@link Admissions}: serializes admissions per key within this operator, so two
 * runs created together cannot both be admitted while the informer cache has not yet shown the
 * first one's new status, and carries out Replace by marking the older runs.
 */
@ApplicationScoped
public class ConcurrencyGate {

  private static final Logger LOG = Logger.getLogger(ConcurrencyGate.class);

  private final KubernetesClient client;

  /** namespace/key -> UIDs admitted here whose admission the cache may not show yet. */
  private final Map<String, Set<String>> inFlight = new ConcurrentHashMap<>();

  private final KeyReleases releases = new KeyReleases();

  public ConcurrencyGate(KubernetesClient client) {
    this.client = client;
  }

  public KeyReleases releases() {
    return releases;
  }

  public Admission admission(QualificationRun run, Collection<QualificationRun> namespaceRuns) {
    ConcurrencySpec c = run.getSpec() == null ? null : run.getSpec().getConcurrency();
    if (c == null || Admissions.terminal(run)) {
      return Admission.ADMITTED;
    }
    String slot = run.getMetadata().getNamespace() + "/" + c.getKey();
    Set<String> admitted = inFlight.computeIfAbsent(slot, k -> ConcurrentHashMap.newKeySet());
    synchronized (admitted) { // one admission at a time per key
      // Forget admissions the cache now shows (or that ended): only the gap needs covering.
      admitted.removeIf(
          uid ->
              namespaceRuns.stream()
                  .filter(r -> uid.equals(r.getMetadata().getUid()))
                  .findFirst()
                  .map(r -> Admissions.admitted(r) || Admissions.terminal(r))
                  .orElse(true));
      List<QualificationRun> toReplace = new ArrayList<>();
      Admission verdict = Admissions.decide(run, namespaceRuns, admitted, toReplace);
      toReplace.forEach(old -> markReplaced(old, run));
      if (verdict.admitted() && !Admissions.admitted(run)) {
        admitted.add(run.getMetadata().getUid());
      }
      return verdict;
    }
  }

  /**
   * The holder of a key ended: wake the runs that may start now and those whose shown queue
   * position changes ({@link QueuePosition}), not the whole queue; the rest see their new place at
   * their next re-check.
   */
  public void released(QualificationRun holder, Collection<QualificationRun> namespaceRuns) {
    ConcurrencySpec c = holder.getSpec() == null ? null : holder.getSpec().getConcurrency();
    if (c == null) {
      return;
    }
    List<QualificationRun> waiting =
        Admissions.inCreationOrder(
            namespaceRuns.stream()
                .filter(r -> Admissions.sameKey(r, c.getKey()) && !Admissions.terminal(r))
                .filter(r -> !r.getMetadata().getUid().equals(holder.getMetadata().getUid()))
                .filter(r -> !Admissions.admitted(r)));
    for (int i = 0; i < waiting.size(); i++) {
      // Index i is about position i + 1 - (free places): wake the head of the line and, with a
      // place's slack either way, the runs at a boundary of the rounded position.
      int p = i + 1;
      if (p <= wakeHead(c)
          || QueuePosition.changesOnMoveUp(p)
          || QueuePosition.changesOnMoveUp(p + 1)) {
        releases.wake(ResourceID.fromResource(waiting.get(i)));
      }
    }
  }

  /** Every run that may take a free place or shows an exact position. */
  private static int wakeHead(ConcurrencySpec c) {
    return (c.getLimit() == null ? 1 : c.getLimit()) + QueuePosition.EXACT_UP_TO + 1;
  }

  private void markReplaced(QualificationRun old, QualificationRun by) {
    try {
      client
          .resources(QualificationRun.class)
          .inNamespace(old.getMetadata().getNamespace())
          // The run itself, not only its name: Fabric8's patch with a text body reads a
          // resource named only by withName before writing (to learn its URL).
          .resource(old)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              client
                  .getKubernetesSerialization()
                  .asJson(
                      Map.of(
                          "metadata",
                          Map.of(
                              "annotations",
                              Map.of(Annotations.REPLACED_BY, by.getMetadata().getName())))));
      LOG.infof(
          "%s/%s: marked replaced by %s",
          old.getMetadata().getNamespace(),
          old.getMetadata().getName(),
          by.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }
}
