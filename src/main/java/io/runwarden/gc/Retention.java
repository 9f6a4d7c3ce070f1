package io.runwarden.gc;

import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.DurationParser;
import io.runwarden.lifecycle.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which finished runs are past their retention. Pure: runs and an instant in, a list out.
 *
 * <p>Only Succeeded or Failed runs with a completion time are ever chosen: a run in any other phase
 * is kept whatever its age. spec.ttlAfterFinished overrides the default for the outcome; the newest
 * N finished runs per concurrency key can be kept regardless.
 */
public record Retention(Duration succeeded, Duration failed, OptionalInt keepPerKey) {

  /** Runs to delete, oldest expiry first. */
  public List<QualificationRun> select(Collection<QualificationRun> runs, Instant now) {
    Set<String> kept = newestPerKey(runs);
    List<QualificationRun> out = new ArrayList<>();
    for (QualificationRun r : runs) {
      if (!kept.contains(r.getMetadata().getUid())
          && expiredAt(r).filter(at -> !at.isAfter(now)).isPresent()) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(r -> expiredAt(r).orElseThrow()));
    return out;
  }

  /** Re-check of one run just read again: finished and past its retention. */
  public boolean expired(QualificationRun run, Instant now) {
    return expiredAt(run).filter(at -> !at.isAfter(now)).isPresent();
  }

  /** When the run's retention ends; empty for a run that has not finished. */
  public Optional<Instant> expiredAt(QualificationRun run) {
    if (run.getStatus() == null || run.getStatus().getPhase() == null) {
      return Optional.empty();
    }
    Phase phase = run.getStatus().getPhase();
    Instant completed = Times.parse(run.getStatus().getCompletedAt());
    if (!phase.isTerminal() || completed == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(completed.plus(ttl(run, phase)));
    } catch (ArithmeticException | java.time.DateTimeException e) {
      // A retention too long to add up (stored before the schema bounded it) ends never: the run
      // is kept, and the sweep goes on with every other run.
      return Optional.empty();
    }
  }

  private Duration ttl(QualificationRun run, Phase phase) {
    String own = run.getSpec() == null ? null : run.getSpec().getTtlAfterFinished();
    if (own != null) {
      try {
        return DurationParser.parse(own);
      } catch (IllegalArgumentException e) {
        // the schema refuses it; a stored bad value falls back to the default, never to "now"
      }
    }
    return phase == Phase.Succeeded ? succeeded : failed;
  }

  private Set<String> newestPerKey(Collection<QualificationRun> runs) {
    if (keepPerKey.isEmpty()) {
      return Set.of();
    }
    Map<String, List<QualificationRun>> byKey =
        runs.stream()
            .filter(r -> r.getSpec() != null && r.getSpec().getConcurrency() != null)
            .filter(r -> expiredAt(r).isPresent())
            .collect(
                Collectors.groupingBy(
                    r ->
                        r.getMetadata().getNamespace()
                            + "/"
                            + r.getSpec().getConcurrency().getKey()));
    Set<String> kept = new HashSet<>();
    byKey
        .values()
        .forEach(
            list ->
                list.stream()
                    .sorted(
                        Comparator.comparing(
                                (QualificationRun r) -> Times.parse(r.getStatus().getCompletedAt()))
                            .reversed())
                    .limit(keepPerKey.getAsInt())
                    .forEach(r -> kept.add(r.getMetadata().getUid())));
    return kept;
  }
}
