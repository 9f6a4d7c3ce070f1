package io.runwarden.concurrency;

import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.Admission;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Times;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who may hold a concurrency key. Pure: the runs of the namespace in, a verdict out, so every
 * reconcile and every operator restart reaches the same answer from the same runs.
 *
 * <p>A run holds its key once admitted (it has a phase and is not Queued) until it is terminal; up
 * to {@code spec.concurrency.limit} runs (default 1) hold it at once. Forbid: a run is admitted
 * when fewer than limit runs hold the key and no run waiting for it is older (creation time, then
 * name); the others wait in line, position 1 next. Replace: the newest limit runs keep the key,
 * every older non-terminal run is replaced, and the newest is admitted once they are marked.
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
    int limit = c.getLimit() == null ? 1 : Math.max(1, c.getLimit());
    List<QualificationRun> rivals =
        runs.stream()
            .filter(r -> !Objects.equals(r.getMetadata().getUid(), me.getMetadata().getUid()))
            .filter(r -> sameKey(r, c.getKey()) && !terminal(r) && !replaced(r))
            .sorted(CREATION_ORDER)
            .toList();
    if (c.getPolicy() == ConcurrencySpec.Policy.Replace) {
      // The newest `limit` runs keep the key; every older one is replaced.
      List<QualificationRun> newer = rivals.stream().filter(r -> !before(r, me)).toList();
      if (newer.size() >= limit) {
        QualificationRun newest = newer.get(newer.size() - 1);
        return Admission.queued(name(newest), "a newer run replaces this one");
      }
      List<QualificationRun> older = rivals.stream().filter(r -> before(r, me)).toList();
      int olderKept = limit - 1 - newer.size();
      if (older.size() > olderKept) {
        List<QualificationRun> replace = older.subList(0, older.size() - olderKept);
        toReplace.addAll(replace);
        return Admission.queued(name(replace.get(0)), "being replaced");
      }
      return Admission.ADMITTED;
    }
    List<String> holders = new ArrayList<>();
    for (QualificationRun r : rivals) {
      if (admitted(r) || admittedInFlight.contains(r.getMetadata().getUid())) {
        holders.add(name(r));
      }
    }
    long waitingAhead =
        rivals.stream().filter(r -> !holders.contains(name(r)) && before(r, me)).count();
    if (holders.size() + waitingAhead < limit) {
      return Admission.ADMITTED;
    }
    // Older waiting runs take the free places first; the rest are ahead of this one in line.
    int position = (int) (waitingAhead - Math.max(0, limit - holders.size()) + 1);
    if (holders.size() < limit) {
      // A slot is free, but older runs wait for it first.
      List<String> ahead =
          rivals.stream()
              .filter(r -> !holders.contains(name(r)) && before(r, me))
              .map(Admissions::name)
              .toList();
      return Admission.inLine(ahead.subList(0, 1), position, "earlier in the queue");
    }
    return Admission.inLine(holders, position, holders.size() == 1 ? "active" : "all active");
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
