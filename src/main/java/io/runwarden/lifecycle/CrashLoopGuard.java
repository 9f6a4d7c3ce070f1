package io.runwarden.lifecycle;

import io.runwarden.api.v1alpha1.AttemptRecord;
import io.runwarden.api.v1alpha1.ResumePolicy;
import io.runwarden.text.UserText;
import java.util.List;
import java.util.Optional;

/**
 * {@code spec.retry.maxAttemptsWithoutProgress}: a run whose attempts keep dying at the same place
 * (the same poisoned item) fails {@code NoProgressAcrossAttempts} instead of redoing the same work
 * until its retry budget is gone. An attempt made no progress when it ended with {@code completed}
 * no further than where it started: the previous attempt's end when it resumed from the checkpoint,
 * zero when it restarted. Judged from the attempt history, so a restart of the operator judges the
 * same.
 */
final class CrashLoopGuard {

  private CrashLoopGuard() {}

  /**
   * After the current attempt was closed: the reason to fail instead of retrying, if the last
   * {@code maxAttemptsWithoutProgress} attempts all made no progress.
   */
  static Optional<String> stuckAcrossAttempts(Evaluation e) {
    Optional<Integer> limit = e.policy.maxAttemptsWithoutProgress();
    List<AttemptRecord> history = e.s.getAttempts();
    if (limit.isEmpty() || history == null || history.size() < limit.get()) {
      return Optional.empty();
    }
    boolean resumes = e.policy.resume() == ResumePolicy.FromCheckpoint;
    int n = limit.get();
    for (int i = history.size() - n; i < history.size(); i++) {
      long end = completed(history.get(i));
      long start = resumes && i > 0 ? completed(history.get(i - 1)) : 0;
      if (end > start) {
        return Optional.empty();
      }
    }
    AttemptRecord first = history.get(history.size() - n);
    AttemptRecord last = history.get(history.size() - 1);
    String at =
        e.s.getCheckpoint() == null
            ? ""
            : " (checkpoint " + UserText.escape(e.s.getCheckpoint()) + ")";
    return Optional.of(
        "Attempts %d to %d ended without getting past item %d%s; not retried"
                .formatted(first.getAttempt(), last.getAttempt(), completed(last), at)
            + " (spec.retry.maxAttemptsWithoutProgress=%d).".formatted(n));
  }

  private static long completed(AttemptRecord r) {
    return r.getCompleted() == null ? 0 : r.getCompleted();
  }
}
