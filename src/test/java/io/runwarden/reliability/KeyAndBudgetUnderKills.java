package io.runwarden.reliability;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.BudgetSpec;
import io.runwarden.api.v1alpha1.ConcurrencySpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.ConditionTypes;
import io.runwarden.lifecycle.Conditions;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The failure-policy fields while the operator is killed over and over (ChaosIT): runs sharing a
 * concurrency key with limit 2, and runs whose worker reports spend past their budget. Afterwards:
 * never more than 2 holders of the key at once (sampled every 100 ms), every keyed run succeeded on
 * its first attempt, every budgeted run failed BudgetExhausted without a retry and with its spend
 * in the status.
 */
final class KeyAndBudgetUnderKills {

  static final int KEYED = 6;
  static final int LIMIT = 2;
  static final int BUDGETED = 4;

  private final KubernetesClient client;
  private final String ns;
  private final AtomicInteger mostHolders = new AtomicInteger();
  private final Map<String, Integer> claimed = new HashMap<>();
  private final Map<String, Instant> claimedAt = new HashMap<>();

  KeyAndBudgetUnderKills(KubernetesClient client, String ns) {
    this.client = client;
    this.ns = ns;
  }

  /** Creates the runs and plays their workers until every run ended or {@code atMost} passed. */
  void run(Duration atMost) {
    for (int i = 0; i < KEYED; i++) {
      QualificationRun r = RunFixtures.run("keyed-" + i, ns);
      r.getSpec().getTimeouts().setRun("5m");
      ConcurrencySpec c = new ConcurrencySpec();
      c.setKey("portal");
      c.setLimit(LIMIT);
      r.getSpec().setConcurrency(c);
      client.resource(r).create();
    }
    for (int i = 0; i < BUDGETED; i++) {
      QualificationRun r = RunFixtures.run("budgeted-" + i, ns);
      r.getSpec().getTimeouts().setRun("5m");
      BudgetSpec b = new BudgetSpec();
      b.setLimit(1000L);
      b.setUnit("tokens");
      r.getSpec().setBudget(b);
      client.resource(r).create();
    }
    // Every 100 ms (the sampling period): count the key's holders, take each worker a step.
    // Runs left open at the end are reported by violations().
    try {
      await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(this::sampleAndWork);
    } catch (ConditionTimeoutException e) {
      // violations() names the runs that did not end
    }
  }

  /**
   * @return true once every run has ended
   */
  private boolean sampleAndWork() {
    List<QualificationRun> runs =
        client.resources(QualificationRun.class).inNamespace(ns).list().getItems();
    long holders =
        runs.stream()
            .filter(r -> r.getMetadata().getName().startsWith("keyed-"))
            .filter(r -> r.getStatus() != null && r.getStatus().getPhase() != null)
            .filter(r -> !r.getStatus().getPhase().isTerminal())
            .filter(r -> !Conditions.isTrue(r.getStatus().getConditions(), ConditionTypes.QUEUED))
            .count();
    mostHolders.accumulateAndGet((int) holders, Math::max);
    if (runs.stream().allMatch(r -> r.getStatus() != null && terminal(r))) {
      return true;
    }
    runs.forEach(this::work);
    return false;
  }

  /** One step of each run's worker: claim an open attempt, then finish or overspend. */
  private void work(QualificationRun r) {
    String name = r.getMetadata().getName();
    if (r.getStatus() == null || terminal(r) || r.getStatus().getPhase() != Phase.Pending) {
      if (claimed.containsKey(name) && r.getStatus() != null && !terminal(r)) {
        finish(r, name);
      }
      return;
    }
    if (Conditions.isTrue(r.getStatus().getConditions(), ConditionTypes.QUEUED)
        || claimed.containsKey(name)) {
      return;
    }
    try {
      TestWorker w = new TestWorker(client, ns, name, "w-" + name);
      claimed.put(name, w.claim());
      claimedAt.put(name, Instant.now());
    } catch (KubernetesClientException e) {
      // The attempt is not open yet, or a restart is under way: next round.
    }
  }

  private void finish(QualificationRun r, String name) {
    TestWorker w = new TestWorker(client, ns, name, "w-" + name);
    try {
      if (name.startsWith("budgeted-")) {
        w.report(claimed.get(name), Map.of("spent", 1500L));
      } else if (Duration.between(claimedAt.get(name), Instant.now()).toMillis() > 1500) {
        w.succeed(claimed.get(name), 1);
      } else {
        w.heartbeat(claimed.get(name), null, null);
      }
    } catch (KubernetesClientException e) {
      // Refused while the API server or the report is busy: next round.
    }
  }

  List<String> violations() {
    List<String> out = new ArrayList<>();
    if (mostHolders.get() > LIMIT) {
      out.add("key portal held by " + mostHolders.get() + " runs at once (limit " + LIMIT + ")");
    }
    for (QualificationRun r :
        client.resources(QualificationRun.class).inNamespace(ns).list().getItems()) {
      String name = r.getMetadata().getName();
      var s = r.getStatus();
      if (s == null || !terminal(r)) {
        out.add(name + ": not terminal");
      } else if (name.startsWith("keyed-")
          && (s.getPhase() != Phase.Succeeded || s.getAttempt() != 1)) {
        out.add(name + ": " + s.getPhase() + "/" + s.getReason() + " attempt " + s.getAttempt());
      } else if (name.startsWith("budgeted-")
          && (!Reasons.BUDGET_EXHAUSTED.equals(s.getReason())
              || s.getRetryCount() != 0
              || s.getBudget() == null
              || s.getBudget().getSpent() != 1500)) {
        out.add(name + ": " + s.getPhase() + "/" + s.getReason() + " " + s.getMessage());
      }
    }
    return out;
  }

  private static boolean terminal(QualificationRun r) {
    return r.getStatus().getPhase() != null && r.getStatus().getPhase().isTerminal();
  }
}
