package io.runwarden.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A reconcile decides from the operator's own last write while the informer is behind it, and from
 * the informer's object as soon as that is as new.
 */
@Tag("pure")
class OwnWritesTest {

  private final OwnWrites writes = new OwnWrites(new KubernetesSerialization());
  private final Map<ResourceID, QualificationRun> informer = new HashMap<>();

  @Test
  void anInformerObjectOlderThanTheLastWriteIsReplacedByACopyOfTheWrite() {
    QualificationRun written = run("uid-1", "102", Phase.Running);
    writes.written(written);

    // A heartbeat from before the write (101) reached the informer; the write (102) has not.
    QualificationRun decided = newest(run("uid-1", "101", Phase.Pending));
    assertThat(decided).isNotSameAs(written).usingRecursiveComparison().isEqualTo(written);
    assertThat(newest(run("uid-1", "100", Phase.Pending)))
        .usingRecursiveComparison()
        .isEqualTo(written);
  }

  @Test
  void theWriteGivesItsStatusButTheInformerGivesWhatOthersChangedBeforeIt() {
    // The operator read the run with the annotation at flood-39 and wrote its status (102), which
    // it keeps as it read the run. A user's flood-40 reached the API server first (101), so the
    // stored 102 carries flood-40; the informer delivers 101 and its event wakes this reconcile.
    QualificationRun written = run("uid-1", "102", Phase.Succeeded);
    written.getMetadata().setAnnotations(Map.of("runwarden.io/retry-now", "flood-39"));
    writes.written(written);
    QualificationRun changed = run("uid-1", "101", Phase.Running);
    changed.getMetadata().setAnnotations(Map.of("runwarden.io/retry-now", "flood-40"));
    changed.getMetadata().setGeneration(2L);
    informer.put(ResourceID.fromResource(changed), changed);

    QualificationRun decided = newest(changed);
    assertThat(decided.getMetadata().getAnnotations())
        .as("the user's change, which the write's own event will not wake a reconcile for")
        .containsEntry("runwarden.io/retry-now", "flood-40");
    assertThat(decided.getMetadata().getGeneration()).isEqualTo(2L);
    assertThat(decided.getMetadata().getResourceVersion()).isEqualTo("102");
    assertThat(decided.getStatus()).usingRecursiveComparison().isEqualTo(written.getStatus());
    assertThat(decided.getStatus()).isNotSameAs(written.getStatus());
    assertThat(decided.getMetadata()).isNotSameAs(changed.getMetadata());
  }

  @Test
  void aReconcileQueuedBeforeTheInformerDeliveredTheWriteStillSeesIt() {
    writes.written(run("uid-1", "102", Phase.Running));
    // JOSDK read 101 when it queued the reconcile; then the informer delivered the write.
    QualificationRun delivered = run("uid-1", "102", Phase.Running);
    informer.put(ResourceID.fromResource(delivered), delivered);
    writes.onResourceUpdated(delivered, null);
    assertThat(writes.pending()).isZero();

    assertThat(newest(run("uid-1", "101", Phase.Pending)))
        .usingRecursiveComparison()
        .isEqualTo(delivered);
  }

  @Test
  void theWriteIsForgottenOnceTheInformerDeliversItOrAnythingNewer() {
    writes.written(run("uid-1", "102", Phase.Running));
    writes.onResourceUpdated(run("uid-1", "101", Phase.Pending), null);
    assertThat(writes.pending()).isOne();

    QualificationRun delivered = run("uid-1", "102", Phase.Running);
    writes.onResourceUpdated(delivered, null);
    assertThat(writes.pending()).isZero();
    assertThat(newest(run("uid-1", "101", Phase.Pending)).getMetadata().getResourceVersion())
        .as("once forgotten, the informer's object is used as it is")
        .isEqualTo("101");

    writes.written(run("uid-1", "105", Phase.Running));
    QualificationRun newer = run("uid-1", "107", Phase.Running);
    assertThat(newest(newer)).as("a reconcile of a newer object").isSameAs(newer);
    assertThat(writes.pending()).isZero();
  }

  @Test
  void aRecreatedRunWithTheSameNameIsNotConfusedWithTheDeletedOne() {
    writes.written(run("uid-old", "500", Phase.Running));
    QualificationRun recreated = run("uid-new", "400", Phase.Pending);
    assertThat(newest(recreated)).isSameAs(recreated);
    informer.put(ResourceID.fromResource(recreated), run("uid-old", "501", Phase.Running));
    assertThat(newest(recreated)).as("nor the informer's").isSameAs(recreated);
    informer.clear();

    writes.written(run("uid-old", "500", Phase.Running));
    writes.onResourceDeleted(run("uid-old", "499", Phase.Running));
    assertThat(writes.pending()).isZero();
  }

  @Test
  void resourceVersionsThatAreNotNumbersLeaveTheInformerInCharge() {
    writes.written(run("uid-1", "b", Phase.Running));
    QualificationRun cached = run("uid-1", "a", Phase.Pending);
    assertThat(newest(cached)).isSameAs(cached);
  }

  @Test
  void aLaterWriteReplacesAnEarlierOneButNeverTheOtherWayRound() {
    QualificationRun second = run("uid-1", "110", Phase.Succeeded);
    writes.written(second);
    writes.written(run("uid-1", "105", Phase.Running));
    assertThat(newest(run("uid-1", "100", Phase.Pending)))
        .usingRecursiveComparison()
        .isEqualTo(second);
  }

  private QualificationRun newest(QualificationRun given) {
    return writes.newest(given, id -> Optional.ofNullable(informer.get(id)));
  }

  private static QualificationRun run(String uid, String resourceVersion, Phase phase) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withName("r")
            .withNamespace("ns")
            .withUid(uid)
            .withResourceVersion(resourceVersion)
            .build());
    QualificationRunStatus status = new QualificationRunStatus();
    status.setPhase(phase);
    run.setStatus(status);
    return run;
  }
}
