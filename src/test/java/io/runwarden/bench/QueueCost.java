package io.runwarden.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.concurrency.Admissions;
import io.runwarden.controller.QualificationRunReconciler;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a long line on one concurrency key costs the operator: {@code ./mvnw -B -Pbench verify
 * -Dbench.main=io.runwarden.bench.QueueCost [-Dbench.queue=10000]}. Every queued run re-checks its
 * key unwoken, and each re-check reads the whole line ({@link Admissions#decide}); this times one
 * re-check of a run at the back of a line of {@code bench.queue} runs (one holding the key, the
 * rest queued), in a child JVM with the image's flags (C1 only, as the operator runs), and prints
 * the re-checks a second such a line makes and the share of one core they take. No API server: the
 * line is read from the operator's cache.
 */
public final class QueueCost {

  private static final int QUEUE = Integer.getInteger("bench.queue", 10_000);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 8);

  private QueueCost() {}

  public static void main(String[] args) {
    if (args.length == 1) {
      Benchmark.exitAfter(QueueCost::measure);
    } else {
      Benchmark.exitAfter(QueueCost::launch);
    }
  }

  private static void launch() throws Exception {
    ProductionJvm.runMeasuringJvm(
        QueueCost.class,
        List.of("-Dbench.queue=" + QUEUE, "-Dbench.rounds=" + ROUNDS),
        List.of("measure"));
  }

  private static void measure() {
    List<QualificationRun> line = line(QUEUE);
    double rechecks = 0;
    for (int p = 1; p < QUEUE; p++) {
      rechecks += 1000.0 / QualificationRunReconciler.queueRecheck(p).toMillis();
    }
    List<Double> perCheck = new ArrayList<>();
    for (int round = 0; round < ROUNDS + 2; round++) {
      int checks = 100;
      long begin = System.nanoTime();
      for (int i = 0; i < checks; i++) {
        Admissions.decide(line.get(QUEUE - 1 - i), line, Set.of(), new ArrayList<>());
      }
      double ms = (System.nanoTime() - begin) / 1e6 / checks;
      if (round >= 2) perCheck.add(ms); // two rounds of warm-up
    }
    perCheck.sort(null);
    double median = perCheck.get(perCheck.size() / 2);
    System.out.printf(
        "### Queue cost: %d runs on one key, %d rounds%n"
            + "| | |%n|---|---|%n"
            + "| One re-check (ms), median / rounds | %.2f / %.2f-%.2f |%n"
            + "| Re-checks a second (unwoken) | %.1f |%n"
            + "| Share of one core | %.1f %% |%n",
        QUEUE,
        ROUNDS,
        median,
        perCheck.get(0),
        perCheck.get(perCheck.size() - 1),
        rechecks,
        rechecks * median / 10);
  }

  /** One run holding the key, the rest queued behind it, one a second. */
  private static List<QualificationRun> line(int n) {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    List<QualificationRun> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      QualificationRun r = new QualificationRun();
      r.setMetadata(
          new ObjectMetaBuilder()
              .withName("run-" + i)
              .withNamespace("team-a")
              .withUid("uid-" + i)
              .withCreationTimestamp(t0.plusSeconds(i).toString())
              .build());
      QualificationRunSpec spec = new QualificationRunSpec();
      ConcurrencySpec c = new ConcurrencySpec();
      c.setKey("portal");
      spec.setConcurrency(c);
      r.setSpec(spec);
      QualificationRunStatus s = new QualificationRunStatus();
      s.setPhase(i == 0 ? Phase.Running : Phase.Pending);
      s.setStartedAt(t0.plusSeconds(i).toString());
      s.setConditions(
          Conditions.set(null, ConditionTypes.QUEUED, i != 0, "x", "x", 1L, Instant.EPOCH));
      r.setStatus(s);
      runs.add(r);
    }
    return runs;
  }
}
