package io.runwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** deploy/helm/runwarden with a real Helm, against the real API server (RBAC authorization on). */
class HelmChartIT {

  private static final Path CHART = TestCluster.projectDir().resolve("deploy/helm/runwarden");
  private static final Set<String> RBAC_KINDS =
      Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
  private final KubernetesClient client = TestCluster.get().client();

  @Test
  void lintIsClean() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
  }

  @Test
  void crdsInTheChartAreTheGeneratedOnes() throws Exception {
    for (String name : TestCluster.CRD_FILES) {
      assertThat(Files.readString(CHART.resolve("crds").resolve(name)))
          .isEqualTo(Files.readString(TestCluster.crdFile(name)));
    }
  }

  @Test
  void defaultValuesRenderSecureObjectsTheApiServerAccepts() {
    String ns = namespace("rw-system");
    List<HasMetadata> objects =
        render(ns, new Helm(CHART).template().withName("rw").withNamespace(ns));
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains("Deployment", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service");
    Deployment d =
        (Deployment)
            objects.stream().filter(o -> o instanceof Deployment).findFirst().orElseThrow();
    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(container.getStartupProbe()).isNotNull();
    assertThat(objects).noneMatch(o -> o.getKind().contains("Role") && yaml(o).contains("secrets"));
    dryRun(objects);
  }

  @Test
  void nonDefaultValuesRenderNamespacedRolesAndTheApiServerAcceptsThem() {
    String ns = namespace("rw-ops");
    String teamA = namespace("team-a");
    String teamB = namespace("team-b");
    List<HasMetadata> objects =
        render(
            ns,
            new Helm(CHART)
                .template()
                .withName("rw")
                .withNamespace(ns)
                .set("replicas", 2)
                .set("watchNamespaces[0]", teamA)
                .set("watchNamespaces[1]", teamB)
                .set("externalService.secretAccess", true)
                .set("externalService.allowedHosts[0]", "llm.example.com")
                .set("gc.dryRun", true)
                .set("grafanaDashboard.enabled", true)
                .set("logLevel", "DEBUG"));
    assertThat(objects)
        .filteredOn(o -> "Role".equals(o.getKind()))
        .extracting(o -> o.getMetadata().getNamespace())
        .contains(teamA, teamB, ns);
    assertThat(objects)
        .noneMatch(
            o ->
                "ClusterRole".equals(o.getKind())
                    && o.getMetadata().getName().equals("rw-runwarden"));
    assertThat(objects).anyMatch(o -> "Role".equals(o.getKind()) && yaml(o).contains("secrets"));
    assertThat(objects)
        .anyMatch(
            o ->
                "ConfigMap".equals(o.getKind())
                    && yaml(o).contains("runwarden_enforcement_lateness_seconds"));
    assertThat(
            yaml(objects.stream().filter(o -> o instanceof Deployment).findFirst().orElseThrow()))
        .contains("QUARKUS_OPERATOR_SDK_CONTROLLERS_QUALIFICATIONRUN_NAMESPACES")
        .contains(teamA + "," + teamB);
    dryRun(objects);

    assertThatThrownBy(
            () ->
                new Helm(CHART)
                    .template()
                    .withName("rw")
                    .set("replicas", 2)
                    .set("leaderElection.enabled", false)
                    .call())
        .hasMessageContaining("leaderElection.enabled=true");
  }

  @Test
  void theOperatorRunsRunsToCompletionWithOnlyTheChartsRbac() throws Exception {
    String ns = namespace("rw-rbac");
    Path kubeconfig = ChartRbac.install("rw", ns);

    String work = namespace("rw-work");
    try (OperatorProcess operator =
        OperatorProcess.startWith(
            kubeconfig,
            "-Drunwarden.leader-election.enabled=true",
            "-Drunwarden.leader-election.lease-namespace=" + ns)) {
      QualificationRun run = run("external", work);
      client.resource(run).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> phase(work, "external") == Phase.Pending);
      TestWorker worker = new TestWorker(client, work, "external", "w");
      worker.succeed(worker.claim(), 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> phase(work, "external") == Phase.Succeeded);

      QualificationRun managed = run("managed", work);
      AttemptJobSpec job = new AttemptJobSpec();
      job.setTemplate(
          new PodTemplateSpecBuilder()
              .withNewSpec()
              .withContainers(
                  new ContainerBuilder().withName("w").withImage("example.org/w:1").build())
              .endSpec()
              .build());
      managed.getSpec().setJob(job);
      client.resource(managed).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace(work).withName("managed-1").get() != null);
      assertThat(client.v1().events().inNamespace(work).list().getItems()).isNotEmpty();
      assertThat(client.leases().inNamespace(ns).withName("runwarden-operator").get())
          .as("leader election lease taken with the chart's Role")
          .isNotNull();
      assertThat(Files.readString(operator.log()))
          .doesNotContain("403")
          .doesNotContain("Forbidden");
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  private List<HasMetadata> render(String ns, com.marcnuri.helm.TemplateCommand template) {
    String yaml = template.call();
    return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  private void dryRun(List<HasMetadata> objects) {
    for (HasMetadata o : objects) {
      client.resource(o).dryRun().create();
    }
  }

  private String yaml(HasMetadata o) {
    return client.getKubernetesSerialization().asYaml(o);
  }

  private String namespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  private QualificationRun run(String name, String ns) {
    QualificationRun run = RunFixtures.run(name, ns);
    QualificationRunSpec spec = run.getSpec();
    spec.getTimeouts().setRun("5m");
    return run;
  }

  private Phase phase(String ns, String name) {
    QualificationRun r =
        client.resources(QualificationRun.class).inNamespace(ns).withName(name).get();
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }
}
