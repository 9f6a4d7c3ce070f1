package io.runwarden.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a run's pod template may ask for, one field at a time. */
@Tag("pure")
class PodTemplatePolicyTest {

  private static final PodTemplatePolicy POLICY =
      new PodTemplatePolicy(true, Set.of("scraper"), Optional.of("rw-runwarden"));
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "plain | team-a | {containers: [{name: w, image: x}]} | ",
        "allowed account | team-a | {serviceAccountName: scraper, containers: [{name: w, image: x}]} | ",
        "default account | team-a | {serviceAccountName: default, containers: [{name: w, image: x}]} | ",
        "baseline capability | team-a | {containers: [{name: w, image: x, securityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}}}]} | ",
        "operator's account | team-a | {serviceAccountName: rw-runwarden, containers: [{name: w, image: x}]} | spec.job.template.spec.serviceAccountName",
        "other account | team-a | {serviceAccountName: ci-admin, containers: [{name: w, image: x}]} | spec.job.template.spec.serviceAccountName",
        "host network | team-a | {hostNetwork: true, containers: [{name: w, image: x}]} | spec.job.template.spec.hostNetwork",
        "host pid | team-a | {hostPID: true, containers: [{name: w, image: x}]} | spec.job.template.spec.hostPID",
        "node name | team-a | {nodeName: n1, containers: [{name: w, image: x}]} | spec.job.template.spec.nodeName",
        "host path | team-a | {volumes: [{name: e, emptyDir: {}}, {name: root, hostPath: {path: /}}], containers: [{name: w, image: x}]} | spec.job.template.spec.volumes[1].hostPath",
        "privileged | team-a | {containers: [{name: a, image: x}, {name: w, image: x, securityContext: {privileged: true}}]} | spec.job.template.spec.containers[1].securityContext.privileged",
        "escalation | team-a | {containers: [{name: w, image: x, securityContext: {allowPrivilegeEscalation: true}}]} | spec.job.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
        "sys admin | team-a | {containers: [{name: w, image: x, securityContext: {capabilities: {add: [CAP_SYS_ADMIN]}}}]} | spec.job.template.spec.containers[0].securityContext.capabilities.add",
        "host port | team-a | {containers: [{name: w, image: x, ports: [{containerPort: 80, hostPort: 80}]}]} | spec.job.template.spec.containers[0].ports.hostPort",
        "privileged init | team-a | {initContainers: [{name: i, image: x, securityContext: {privileged: true}}], containers: [{name: w, image: x}]} | spec.job.template.spec.initContainers[0].securityContext.privileged"
      })
  void refusesWhatBaselineRefusesNamingTheField(String what, String ns, String spec, String field) {
    Optional<String> violation = POLICY.violation(run(ns, spec));
    if (field == null) {
      assertThat(violation).as(what).isEmpty();
    } else {
      assertThat(violation).as(what).get().asString().startsWith(field + ":");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "off: privileged allowed | {containers: [{name: w, image: x, securityContext: {privileged: true}}]} | ",
        "off: still not the operator's account | {serviceAccountName: rw-runwarden, containers: [{name: w, image: x}]} | spec.job.template.spec.serviceAccountName"
      })
  void withThePolicyOffTheOperatorsOwnAccountIsStillRefused(
      String what, String spec, String field) {
    PodTemplatePolicy off = new PodTemplatePolicy(false, Set.of(), Optional.of("rw-runwarden"));
    Optional<String> violation = off.violation(run("team-a", spec));
    if (field == null) {
      assertThat(violation).as(what).isEmpty();
    } else {
      assertThat(violation).as(what).get().asString().startsWith(field + ":");
    }
  }

  @Test
  void aTemplateOverTheSizeLimitIsRefusedEvenWithThePolicyOff() {
    String env =
        String.join(
            ",", java.util.Collections.nCopies(70, "{name: E, value: " + "v".repeat(1024) + "}"));
    String big = "{containers: [{name: w, image: x, env: [" + env + "]}]}";
    PodTemplatePolicy off = new PodTemplatePolicy(false, Set.of(), Optional.empty());
    assertThat(off.violation(run("team-a", big)))
        .get()
        .asString()
        .startsWith("spec.job.template: ")
        .contains("over the limit of " + PodTemplatePolicy.MAX_TEMPLATE_BYTES);
    String small = "{containers: [{name: w, image: x, env: [{name: E, value: v}]}]}";
    assertThat(off.violation(run("team-a", small))).isEmpty();
  }

  private static QualificationRun run(String ns, String podSpec) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace(ns).build());
    QualificationRunSpec spec = new QualificationRunSpec();
    AttemptJobSpec job = new AttemptJobSpec();
    job.setTemplate(YAML.unmarshal("spec: " + podSpec, PodTemplateSpec.class));
    spec.setJob(job);
    run.setSpec(spec);
    return run;
  }
}
