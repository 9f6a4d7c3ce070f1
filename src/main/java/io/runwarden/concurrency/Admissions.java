package io.runwarden.concurrency;

import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.Admission;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Times;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who may hold a concurrency key. Pure: the runs of the namespace in, a verdict out, so every
 * reconcile and every operator restart reaches the same answer from the same runs.
 *
 * <p>A run holds its key once admitted (it has a phase and is not Queued) until it is terminal.
 * Forbid: a run is admitted when nobody holds the key and no run waiting for it is older (creation
 * time, then name). Replace: every older non-terminal run is replaced, and the newest is admitted
 * once they have ended.
 */
public final class Admissions {

  /**
   * Oldest first. creationTimestamp has one-second resolution, so within a second the operator's
   * acceptance time (status.startedAt, in milliseconds, given in watch order) decides, and a run
   * already accepted is older than one not yet seen. The name only breaks what is left.
   */
  static final Comparator<QualificationRun> CREATION_ORDER =
      Comparator.comparing(
              (QualificationRun r) -> Times.parse(r.getMetadata().getCreationTimestamp()),
              Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(
              r -> r.getStatus() == null ? null : Times.parse(r.getStatus().getStartedAt()),
              Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(r -> r.getMetadata().getName());

  private Admissions() {}

  /**
   * @param runs the runs of the namespace (the informer cache), the run itself among them or not
   * @param admittedInFlight UIDs admitted by this operator whose status the cache may not show yet
   * @param toReplace filled with the older runs a Replace policy must end
   */
  public static Admission decide(
      QualificationRun me,
      Collection<QualificationRun> runs,
      Set<String> admittedInFlight,
      List<QualificationRun> toReplace) {
    ConcurrencySpec c = me.getSpec() == null ? null : me.getSpec().getConcurrency();
    if (c == null || c.getPolicy() == ConcurrencySpec.Policy.Allow || admitted(me)) {
      return Admission.ADMITTED;
    }
    List<QualificationRun> rivals =
        runs.stream()
            .filter(r -> !Objects.equals(r.getMetadata().getUid(), me.getMetadata().getUid()))
            .filter(r -> sameKey(r, c.getKey()) && !terminal(r) && !replaced(r))
            .sorted(CREATION_ORDER)
            .toList();
    if (c.getPolicy() == ConcurrencySpec.Policy.Replace) {
      List<QualificationRun> older = rivals.stream().filter(r -> before(r, me)).toList();
      List<QualificationRun> newer = rivals.stream().filter(r -> !before(r, me)).toList();
      if (!newer.isEmpty()) {
        QualificationRun newest = newer.get(newer.size() - 1);
        return Admission.queued(name(newest), "a newer run replaces this one");
      }
      if (!older.isEmpty()) {
        toReplace.addAll(older);
        return Admission.queued(name(older.get(0)), "being replaced");
      }
      return Admission.ADMITTED;
    }
    for (QualificationRun r : rivals) {
      if (admitted(r) || admittedInFlight.contains(r.getMetadata().getUid())) {
        return Admission.queued(name(r), "active");
      }
    }
    for (QualificationRun r : rivals) {
      if (before(r, me)) {
        return Admission.queued(name(r), "earlier in the queue");
      }
    }
    return Admission.ADMITTED;
  }

  /** Has a phase and is not waiting in the queue. */
  static boolean admitted(QualificationRun r) {
    return r.getStatus() != null
        && r.getStatus().getPhase() != null
        && !Conditions.isTrue(r.getStatus().getConditions(), ConditionTypes.QUEUED);
  }

  public static boolean terminal(QualificationRun r) {
    return r.getStatus() != null
        && r.getStatus().getPhase() != null
        && r.getStatus().getPhase().isTerminal();
  }

  static boolean replaced(QualificationRun r) {
    var a = r.getMetadata().getAnnotations();
    return a != null && a.containsKey(Annotations.REPLACED_BY);
  }

  public static boolean sameKey(QualificationRun r, String key) {
    return r.getSpec() != null
        && r.getSpec().getConcurrency() != null
        && key.equals(r.getSpec().getConcurrency().getKey());
  }

  private static boolean before(QualificationRun a, QualificationRun b) {
    return CREATION_ORDER.compare(a, b) < 0;
  }

  private static String name(QualificationRun r) {
    return r.getMetadata().getName();
  }
}
