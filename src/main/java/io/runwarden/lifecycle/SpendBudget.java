package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.BudgetStatus;
import io.runwarden.api.v1alpha1.WorkerReport;
import java.util.Optional;

/**
 * {@code spec.budget}: what a run may spend (tokens, dollars, API calls) across all its attempts.
 * Workers report their attempt's cumulative spend; the run adds the spend of the attempts that
 * ended (status.budget.spentByEarlierAttempts), so a retry does not start from zero. A reported
 * spend lower than one already seen is ignored: a worker cannot buy itself a fresh budget. At
 * {@code warnAt} of the limit condition BudgetAtRisk turns true with a warning; at the limit the
 * run fails {@code BudgetExhausted}, or with {@code onExhausted: Suspend} is held Suspended until
 * the limit is raised.
 */
final class SpendBudget {

  private SpendBudget() {}

  /** Takes the current attempt's reported spend. */
  static void observe(Evaluation e, WorkerReport r) {
    Optional<BudgetStatus> b = status(e);
    if (b.isEmpty() || r == null || r.getSpent() == null) {
      return;
    }
    BudgetStatus st = b.get();
    long earlier = st.getSpentByEarlierAttempts();
    long attempt = Math.max(st.getSpent() - earlier, r.getSpent());
    st.setSpent(saturatedSum(earlier, attempt));
    st.setSummary(summary(st));
  }

  /** A new attempt: everything spent so far belongs to the attempts before it. */
  static void attemptBegins(Evaluation e) {
    status(e).ifPresent(st -> st.setSpentByEarlierAttempts(st.getSpent()));
  }

  /** Whether what is spent already reaches the limit in force (a raised limit frees the run). */
  static boolean exhausted(Evaluation e) {
    return status(e).map(st -> st.getSpent() >= st.getLimit()).orElse(false);
  }

  /** Whether the run is to be held Suspended for its budget. */
  static boolean holdsSuspended(Evaluation e) {
    return e.policy.budget().map(RunPolicy.SpendLimit::suspend).orElse(false) && exhausted(e);
  }

  /**
   * The limit and the warning, after the report was observed.
   *
   * @return true when the limit stopped the run (failed, or suspended)
   */
  static boolean enforce(Evaluation e) {
    Optional<BudgetStatus> b = status(e);
    if (b.isEmpty()) {
      return false;
    }
    BudgetStatus st = b.get();
    RunPolicy.SpendLimit limit = e.policy.budget().orElseThrow();
    if (st.getSpent() >= st.getLimit()) {
      String message = exhaustedMessage(st);
      e.condition(ConditionTypes.BUDGET_AT_RISK, true, Reasons.BUDGET_EXHAUSTED, message);
      if (limit.suspend()) {
        Suspension.suspend(
            e,
            Reasons.BUDGET_EXHAUSTED,
            message
                + " The run is suspended (spec.budget.onExhausted=Suspend): timers are paused, the"
                + " run deadline %s still applies; raise spec.budget.limit to resume."
                    .formatted(e.s.getTimeoutAt()));
      } else {
        Transitions.fail(e, Reasons.BUDGET_EXHAUSTED, message + " The run is not retried.");
      }
      return true;
    }
    // Messages without the running figure: a condition that changed with every report would cost
    // a status write per report (the figure itself is in status.budget, mirrored with progress).
    if (st.getSpent() >= Math.ceil(limit.warnAt() * st.getLimit())) {
      String message =
          "Spent at least %d%% of the budget of %d %s (spec.budget.warnAt=%s): the run fails"
                  .formatted(
                      Math.round(limit.warnAt() * 100), st.getLimit(), st.getUnit(), limit.warnAt())
              + (limit.suspend() ? " or is suspended" : "")
              + " BudgetExhausted at the limit.";
      if (!Conditions.isTrue(e.s.getConditions(), ConditionTypes.BUDGET_AT_RISK)) {
        e.warning(Reasons.BUDGET_AT_RISK, message);
      }
      e.condition(ConditionTypes.BUDGET_AT_RISK, true, Reasons.BUDGET_AT_RISK, message);
    } else {
      e.condition(
          ConditionTypes.BUDGET_AT_RISK,
          false,
          Reasons.WITHIN_BUDGET,
          "Below %d%% of the budget of %d %s."
              .formatted(Math.round(limit.warnAt() * 100), st.getLimit(), st.getUnit()));
    }
    return false;
  }

  static String exhaustedMessage(BudgetStatus st) {
    return "Spent %d of %d %s (spec.budget.limit)."
        .formatted(st.getSpent(), st.getLimit(), st.getUnit());
  }

  /** status.budget for a run with a budget, the limit and unit as the spec says now. */
  private static Optional<BudgetStatus> status(Evaluation e) {
    if (e.policy == null || e.policy.budget().isEmpty()) {
      return Optional.empty();
    }
    RunPolicy.SpendLimit limit = e.policy.budget().get();
    BudgetStatus st = e.s.getBudget();
    if (st == null) {
      st = new BudgetStatus();
      st.setSpent(0L);
      st.setSpentByEarlierAttempts(0L);
      e.s.setBudget(st);
    }
    if (st.getSpent() == null) st.setSpent(0L);
    if (st.getSpentByEarlierAttempts() == null) st.setSpentByEarlierAttempts(0L);
    st.setLimit(limit.limit());
    st.setUnit(limit.unit());
    st.setSummary(summary(st));
    return Optional.of(st);
  }

  private static String summary(BudgetStatus st) {
    return st.getSpent() + "/" + st.getLimit() + " " + st.getUnit();
  }

  private static long saturatedSum(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
