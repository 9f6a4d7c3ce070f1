package io.runwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import org.junit.jupiter.api.Test;

class ReaderWarmUpTest {

  @Test
  void readsOneObjectOfEachKindTheOperatorListsAtItsStart() {
    KubernetesSerialization serialization = new KubernetesSerialization(new ObjectMapper(), true);
    KubernetesClients.registerKinds(serialization);

    assertThat(ReaderWarmUp.run(serialization))
        .hasExactlyElementsOfTypes(
            PodList.class, JobList.class, QualificationRun.class, QualificationRunReport.class);
  }
}
