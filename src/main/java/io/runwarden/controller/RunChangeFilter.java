package io.runwarden.controller;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.runwarden.api.v1alpha1.QualificationRun;
import java.util.Objects;

/**
 * Which updates of a run are worth a reconcile: a spec change (generation) and an annotation change
 * (manual actions). The run's status is the operator's alone (workers report in the run's
 * QualificationRunReport), so a status change is always the operator's own write: no loop.
 */
public class RunChangeFilter implements OnUpdateFilter<QualificationRun> {

  @Override
  public boolean accept(QualificationRun newRun, QualificationRun oldRun) {
    return !Objects.equals(
            newRun.getMetadata().getGeneration(), oldRun.getMetadata().getGeneration())
        || !Objects.equals(
            newRun.getMetadata().getAnnotations(), oldRun.getMetadata().getAnnotations());
  }
}
