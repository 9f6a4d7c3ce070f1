package io.runwarden.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.ResourceEventAware;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Keeps each run's last status write until the informer has delivered it, so a reconcile never
 * decides again from a status the operator has already replaced.
 *
 * <p>Why: JOSDK holds a written object in its own short-lived cache, but drops it on the next
 * informer event of that run, even one older than the write (a worker's heartbeat that reached the
 * API server just before it). JOSDK 5.2 can compare resource versions numerically, but only for
 * secondary informers and only when configured, never for the primary resource. Under load the
 * watch runs seconds to minutes behind, and a reconcile in that window saw a run as it was before
 * its own write: the 10,000-run benchmark logged {@code Claimed} twice for 404 runs, with a second,
 * redundant status write each time.
 *
 * <p>Resource versions are compared as numbers, which the API conventions call opaque; every
 * etcd-backed API server issues increasing integers, and JOSDK relies on the same. When one does
 * not parse, the informer's object wins, which is the behaviour without this guard.
 *
 * <p>An entry leaves when the informer delivers the write (or anything newer), when a reconcile
 * finds the informer caught up, or when the run is deleted. The class is an event source only to be
 * told of every informer event of a run, filtered or not; it never triggers a reconcile itself.
 */
public class OwnWrites extends AbstractEventSource<OwnWrites.None, QualificationRun>
    implements ResourceEventAware<QualificationRun> {

  /** No secondary resources. */
  public record None() {}

  private final Map<ResourceID, QualificationRun> pending = new ConcurrentHashMap<>();
  private final KubernetesSerialization serialization;

  public OwnWrites(KubernetesSerialization serialization) {
    super(None.class, "own-status-writes");
    this.serialization = serialization;
  }

  /**
   * Remembers a run as the API server returned it: after the operator's write, or from a {@link
   * FreshRead} that found the informer behind.
   */
  public void written(QualificationRun run) {
    pending.merge(ResourceID.fromResource(run), run, (old, now) -> newer(now, old) ? now : old);
  }

  /**
   * What to decide from: the newest of the object a reconcile was handed, the operator's last write
   * of that run, and what the informer holds now. The last matters because JOSDK reads the object
   * when it queues a reconcile: the informer may deliver the write (which forgets it here) before
   * the queued reconcile starts. So the write is looked up first, the informer second.
   *
   * <p>A write that is ahead gives only the status (and its resource version): the rest comes from
   * the newest object the informer delivered. The operator's write changes nothing but the status,
   * yet the API server stores it on top of whatever others changed since the operator read the run
   * (an annotation, the spec), and the write kept here is not read back from the API server's
   * answer ({@link StatusWriter#stored}): it carries the run's metadata and spec as the operator
   * read them. Taken whole, it hid such a change: the reconcile woken by the informer's event of
   * the change decided from the older annotations, and the event of the write itself, which changes
   * only the status, is filtered out ({@link RunChangeFilter}), so a manual request could wait
   * unhandled until the run's next wake-up. Every change of metadata or spec before the write
   * reaches the informer as an event of its own and wakes a reconcile, which then sees it here.
   *
   * @return {@code given} itself, or a copy of the newer object (never a shared instance)
   */
  public QualificationRun newest(
      QualificationRun given, Function<ResourceID, Optional<QualificationRun>> informer) {
    QualificationRun observed = given;
    QualificationRun written = keepIfAhead(given);
    QualificationRun current = informer.apply(ResourceID.fromResource(given)).orElse(null);
    if (current != null && sameRun(current, given) && newer(current, given)) {
      observed = current;
    }
    if (written != null && newer(written, observed)) {
      QualificationRun parts = new QualificationRun();
      parts.setMetadata(observed.getMetadata());
      parts.setSpec(observed.getSpec());
      parts.setStatus(written.getStatus());
      QualificationRun decided = serialization.clone(parts);
      decided.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
      return decided;
    }
    return observed == given ? given : serialization.clone(observed);
  }

  @Override
  public void onResourceCreated(QualificationRun run) {
    keepIfAhead(run);
  }

  @Override
  public void onResourceUpdated(QualificationRun run, QualificationRun previous) {
    keepIfAhead(run);
  }

  @Override
  public void onResourceDeleted(QualificationRun run) {
    pending.remove(ResourceID.fromResource(run));
  }

  /** How many writes the informer has not delivered yet. */
  int pending() {
    return pending.size();
  }

  /**
   * Forgets the run's last write once {@code seen} is as new; returns the write while it is still
   * ahead.
   */
  private QualificationRun keepIfAhead(QualificationRun seen) {
    return pending.computeIfPresent(
        ResourceID.fromResource(seen),
        (id, written) -> sameRun(written, seen) && newer(written, seen) ? written : null);
  }

  private static boolean sameRun(QualificationRun a, QualificationRun b) {
    return Objects.equals(a.getMetadata().getUid(), b.getMetadata().getUid());
  }

  /** Whether {@code a} is a later version than {@code b}; false when either does not parse. */
  static boolean newer(HasMetadata a, HasMetadata b) {
    try {
      return Long.parseLong(a.getMetadata().getResourceVersion())
          > Long.parseLong(b.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public Set<None> getSecondaryResources(QualificationRun primary) {
    return Set.of();
  }
}
