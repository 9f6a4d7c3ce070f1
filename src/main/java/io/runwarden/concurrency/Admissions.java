package io.runwarden.concurrency;

import io.runwarden.api.v1alpha1.Annotations;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.Admission;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

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
   * A run with its place in line: oldest first. creationTimestamp has one-second resolution, so
   * within a second the operator's acceptance time (status.startedAt, in milliseconds, given in
   * watch order) decides, and a run already accepted is older than one not yet seen. The name only
   * breaks what is left.
   *
   * <p>Cheap on purpose: a queue of 10,000 is read on every re-check of its runs. The API server
   * writes creationTimestamp as {@code 2026-12-03T17:00:00Z}, whose text order is its time order,
   * so two such are compared as text; anything else is parsed, and startedAt only on a tie.
   */
  static final class InLine implements Comparable<InLine> {

    final QualificationRun run;
    private final String created;
    private Instant createdAt;
    private Instant startedAt;
    private boolean startedRead;

    InLine(QualificationRun run) {
      this.run = run;
      this.created = run.getMetadata().getCreationTimestamp();
    }

    String name() {
      return run.getMetadata().getName();
    }

    @Override
    public int compareTo(InLine other) {
      int c =
          canonical(created) && canonical(other.created)
              ? created.compareTo(other.created)
              : nullsLast(createdAt(), other.createdAt());
      if (c == 0) c = nullsLast(startedAt(), other.startedAt());
      return c != 0 ? c : name().compareTo(other.name());
    }

    boolean before(InLine other) {
      return compareTo(other) < 0;
    }

    private Instant createdAt() {
      if (createdAt == null) createdAt = Times.parse(created);
      return createdAt;
    }

    private Instant startedAt() {
      if (!startedRead) {
        startedAt = run.getStatus() == null ? null : Times.parse(run.getStatus().getStartedAt());
        startedRead = true;
      }
      return startedAt;
    }

    private static boolean canonical(String t) {
      return t != null && t.length() == 20 && t.charAt(10) == 'T' && t.charAt(19) == 'Z';
    }

    private static int nullsLast(Instant a, Instant b) {
      if (a == null || b == null) return a == b ? 0 : a == null ? 1 : -1;
      return a.compareTo(b);
    }
  }

  /** The runs oldest first (see {@link InLine}). */
  static List<QualificationRun> inCreationOrder(Stream<QualificationRun> runs) {
    return runs.map(InLine::new).sorted().map(r -> r.run).toList();
  }

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
    InLine mine = new InLine(me);
    List<InLine> rivals =
        runs.stream()
            .filter(r -> !Objects.equals(r.getMetadata().getUid(), me.getMetadata().getUid()))
            .filter(r -> sameKey(r, c.getKey()) && !terminal(r) && !replaced(r))
            .map(InLine::new)
            .toList();
    if (c.getPolicy() == ConcurrencySpec.Policy.Replace) {
      // The newest `limit` runs keep the key; every older one is replaced. (Few rivals: the older
      // ones are being replaced.)
      rivals = rivals.stream().sorted().toList();
      List<InLine> newer = rivals.stream().filter(r -> !r.before(mine)).toList();
      if (newer.size() >= limit) {
        return Admission.queued(
            newer.get(newer.size() - 1).name(), "a newer run replaces this one");
      }
      List<InLine> older = rivals.stream().filter(r -> r.before(mine)).toList();
      int olderKept = limit - 1 - newer.size();
      if (older.size() > olderKept) {
        List<InLine> replace = older.subList(0, older.size() - olderKept);
        replace.forEach(r -> toReplace.add(r.run));
        return Admission.queued(replace.get(0).name(), "being replaced");
      }
      return Admission.ADMITTED;
    }
    // One pass, no sort: a queue of 10,000 is read on every re-check of its runs. Only the
    // holders (at most about `limit`) are put in order, for the status.
    List<InLine> holding = new ArrayList<>();
    long waitingAhead = 0;
    InLine firstAhead = null;
    for (InLine r : rivals) {
      if (admitted(r.run) || admittedInFlight.contains(r.run.getMetadata().getUid())) {
        holding.add(r);
      } else if (r.before(mine)) {
        waitingAhead++;
        if (firstAhead == null || r.before(firstAhead)) firstAhead = r;
      }
    }
    List<String> holders = holding.stream().sorted().map(InLine::name).toList();
    if (holders.size() + waitingAhead < limit) {
      return Admission.ADMITTED;
    }
    // Older waiting runs take the free places first; the rest are ahead of this one in line.
    int position = (int) (waitingAhead - Math.max(0, limit - holders.size()) + 1);
    if (holders.size() < limit) {
      // A slot is free, but older runs wait for it first.
      return Admission.inLine(List.of(firstAhead.name()), position, "earlier in the queue");
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
}
