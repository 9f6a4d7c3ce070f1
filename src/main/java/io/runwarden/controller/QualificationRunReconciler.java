package io.runwarden.controller;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.lifecycle.Decision;
import io.runwarden.lifecycle.Lifecycle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The thin shell around the decision core: read -> decide -> write status if changed -> publish
 * events -> wake up exactly when the next rule can fire. No polling: a run with nothing due sleeps
 * until its next deadline, and a terminal run is never rescheduled.
 *
 * <p>Generation-aware filtering is off because workers report through the status subresource, which
 * does not bump the generation; {@link ReportChangeFilter} decides instead.
 */
@ControllerConfiguration(
    name = QualificationRunReconciler.NAME,
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = ReportChangeFilter.class))
public class QualificationRunReconciler implements Reconciler<QualificationRun> {

  public static final String NAME = "qualificationrun";

  private final Lifecycle lifecycle;
  private final Clock clock;
  private final StatusWriter statusWriter;
  private final RunEvents events;

  public QualificationRunReconciler(
      Lifecycle lifecycle, Clock clock, StatusWriter statusWriter, RunEvents events) {
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.statusWriter = statusWriter;
    this.events = events;
  }

  @Override
  public UpdateControl<QualificationRun> reconcile(
      QualificationRun run, Context<QualificationRun> context) {
    Instant now = clock.instant();
    Decision decision = lifecycle.decide(run, now);
    if (statusWriter.changed(run, decision.status())) {
      statusWriter.write(run, decision.status(), context);
    }
    // Events only after the status they describe is stored: a failed write is retried by JOSDK
    // and must not leave a duplicate event behind.
    decision.events().forEach(e -> events.publish(run, e));
    UpdateControl<QualificationRun> control = UpdateControl.noUpdate();
    decision.wakeAt().ifPresent(at -> control.rescheduleAfter(delayUntil(now, at)));
    return control;
  }

  /** Rounded up to the millisecond so a wake-up never lands just before its deadline. */
  static Duration delayUntil(Instant now, Instant at) {
    long nanos = Duration.between(now, at).toNanos();
    return Duration.ofMillis(Math.max(1, (nanos + 999_999) / 1_000_000));
  }
}
