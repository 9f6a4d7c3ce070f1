package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.AttemptRecord;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class StatusWriterTest {

  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @Test
  void whatIsAppliedNeverContainsEmptyStrings() {
    QualificationRunStatus status = new QualificationRunStatus();
    status.setPhase(Phase.Running);
    status.setCheckpoint("");
    AttemptRecord record = new AttemptRecord();
    record.setAttempt(1);
    record.setWorker("");
    status.setAttempts(List.of(record));

    var applied = StatusWriter.normalized(serialization, status);

    assertThat(applied.has("checkpoint")).isFalse();
    assertThat(applied.get("attempts").get(0).has("worker")).isFalse();
    assertThat(applied.get("attempts").get(0).get("attempt").asInt()).isEqualTo(1);
    assertThat(applied.get("phase").asText()).isEqualTo("Running");
  }
}
