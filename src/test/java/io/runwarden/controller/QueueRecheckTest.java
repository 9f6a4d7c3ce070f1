package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.runwarden.lifecycle.QueuePosition;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** How often a queued run re-checks its key unwoken ({@code QualificationRunReconciler}). */
@Tag("pure")
class QueueRecheckTest {

  @Test
  void theHeadOfTheLineReChecksEveryFifteenSeconds() {
    for (int p = 0; p <= QueuePosition.EXACT_UP_TO; p++) {
      assertThat(QualificationRunReconciler.queueRecheck(p)).isEqualTo(Duration.ofSeconds(15));
    }
  }

  @Test
  void deeperRunsReCheckLessOftenUpToFiveMinutes() {
    assertThat(QualificationRunReconciler.queueRecheck(19)).isEqualTo(Duration.ofSeconds(15));
    assertThat(QualificationRunReconciler.queueRecheck(20)).isEqualTo(Duration.ofSeconds(30));
    assertThat(QualificationRunReconciler.queueRecheck(100)).isEqualTo(Duration.ofSeconds(150));
    assertThat(QualificationRunReconciler.queueRecheck(200)).isEqualTo(Duration.ofMinutes(5));
    assertThat(QualificationRunReconciler.queueRecheck(10_000)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aQueueOfTenThousandReChecksAboutThirtySixTimesASecondRatherThanSixHundred() {
    double perSecond = 0;
    for (int p = 1; p <= 10_000; p++) {
      perSecond += 1.0 / QualificationRunReconciler.queueRecheck(p).toMillis() * 1000;
    }
    assertThat(perSecond).isBetween(30.0, 40.0); // every 15 s: 667
  }
}
