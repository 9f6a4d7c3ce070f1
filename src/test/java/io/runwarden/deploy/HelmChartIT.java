package io.runwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.AttemptJobSpec;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunSpec;
import io.runwarden.api.v1alpha1.WorkerAccess;
import io.runwarden.execution.WorkerCredentials;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.Kubectl;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.Readme;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.ShellWorker;
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
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(objects)
        .as("one replica: no PodDisruptionBudget (it would block every drain); no NetworkPolicy")
        .noneMatch(o -> o.getKind().equals("PodDisruptionBudget"))
        .noneMatch(o -> o.getKind().equals("NetworkPolicy"));
    assertThat(container.getImage()).isEqualTo("ghcr.io/runwarden/runwarden:0.1.0");
    ClusterRole crdReader = clusterRole(objects, "rw-runwarden-crd-reader");
    assertThat(crdReader.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getVerbs()).containsExactly("get");
              assertThat(r.getResourceNames())
                  .containsExactlyInAnyOrder(
                      "qualificationruns.runwarden.io", "qualificationrunreports.runwarden.io");
            });
    Role lease =
        (Role)
            objects.stream()
                .filter(o -> o.getMetadata().getName().equals("rw-runwarden-leader-election"))
                .filter(o -> o instanceof Role)
                .findFirst()
                .orElseThrow();
    assertThat(lease.getRules())
        .filteredOn(r -> !r.getVerbs().equals(List.of("create")))
        .allSatisfy(r -> assertThat(r.getResourceNames()).containsExactly("runwarden-operator"));
    assertThat(clusterRole(objects, "rw-runwarden-edit").getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
    assertThat(clusterRole(objects, "rw-runwarden-view").getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true");
    dryRun(objects);
  }

  /**
   * The example user roles, bound in a team's namespace (aggregation into edit/view is
   * kube-controller-manager's, checked by its labels above): an editor may create runs and annotate
   * them but not write their status; a viewer may only read.
   */
  @Test
  void theUserRolesAggregateIntoEditAndViewWithoutStatusRights(@TempDir Path dir) throws Exception {
    String ns = namespace("rw-users");
    String team = namespace("team-users");
    List<HasMetadata> objects =
        render(ns, new Helm(CHART).template().withName("rwu").withNamespace(ns)).stream()
            .filter(o -> o.getMetadata().getName().matches("rwu-runwarden-(edit|view)"))
            .toList();
    assertThat(objects).hasSize(2);
    try {
      objects.forEach(o -> client.resource(o).serverSideApply());
      Path editor = ChartRbac.kubeconfigForAccountBoundTo("editor", team, "rwu-runwarden-edit");
      Path viewer = ChartRbac.kubeconfigForAccountBoundTo("viewer", team, "rwu-runwarden-view");
      String runYaml = client.getKubernetesSerialization().asYaml(run("mine", team));
      Path file = Files.createTempFile(dir, "run", ".yaml");
      Files.writeString(file, runYaml);
      Kubectl.runAs(editor, "apply", "-n", team, "-f", file.toString()).assertOk();
      Kubectl.runAs(editor, "annotate", "qrun/mine", "-n", team, "runwarden.io/force-fail=x")
          .assertOk();
      assertThat(
              Kubectl.runAs(
                      editor,
                      "patch",
                      "qrun/mine",
                      "-n",
                      team,
                      "--subresource=status",
                      "--type=merge",
                      "-p",
                      "{\"status\":{\"phase\":\"Succeeded\"}}")
                  .exitCode())
          .as("an editor may not write the run's status")
          .isNotZero();
      Kubectl.runAs(viewer, "get", "qrun/mine", "-n", team).assertOk();
      Kubectl.runAs(viewer, "get", "qualificationrunreports", "-n", team).assertOk();
      assertThat(
              Kubectl.runAs(viewer, "annotate", "qrun/mine", "-n", team, "runwarden.io/retry-now=1")
                  .exitCode())
          .as("a viewer may not annotate")
          .isNotZero();
    } finally {
      objects.forEach(o -> client.resource(o).delete());
    }
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
                .set("externalService.allowedNetworks[0]", "10.96.12.0/24")
                .set("externalService.deniedNetworks[0]", "203.0.113.0/24")
                .set("externalService.secretNames[0]", "llm-token")
                .set("networkPolicy.enabled", true)
                .set("networkPolicy.apiServer[0].cidr", "10.0.0.1/32")
                .set("networkPolicy.apiServer[0].port", 6443)
                .set("networkPolicy.externalEgress[0].cidr", "203.0.113.10/32")
                .set("networkPolicy.externalEgress[0].port", 443)
                .set("image.digest", "sha256:" + "ab".repeat(32))
                .set("gc.dryRun", true)
                .set("grafanaDashboard.enabled", true)
                .set("logLevel", "DEBUG")
                .set("api.eventsQps", 40)
                .withKubeVersion("1.20.2")); // the test API server's: policy/v1beta1 PDBs
    assertThat(objects)
        .anyMatch(
            o -> "PodDisruptionBudget".equals(o.getKind()) && yaml(o).contains("minAvailable: 1"));
    NetworkPolicy policy =
        (NetworkPolicy)
            objects.stream().filter(o -> o instanceof NetworkPolicy).findFirst().orElseThrow();
    assertThat(yaml(policy))
        .contains("10.0.0.1/32")
        .contains("6443")
        .contains("10.96.12.0/24")
        .contains("203.0.113.10/32")
        .contains("port: 53");
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    assertThat(
            ((Deployment)
                    objects.stream().filter(o -> o instanceof Deployment).findFirst().orElseThrow())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("ghcr.io/runwarden/runwarden@sha256:" + "ab".repeat(32));
    assertThat(objects)
        .filteredOn(o -> "Role".equals(o.getKind()) && yaml(o).contains("secrets"))
        .isNotEmpty()
        .allSatisfy(o -> assertThat(yaml(o)).contains("llm-token"));
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
        .contains("RUNWARDEN_EXTERNAL_ALLOWED_NETWORKS")
        .contains("10.96.12.0/24")
        .contains(teamA + "," + teamB)
        .contains("RUNWARDEN_API_EVENTS_QPS")
        // Unset, the Events' burst is left to the operator's default (api.burst).
        .doesNotContain("RUNWARDEN_API_EVENTS_BURST");
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

      // README, "Managed mode": the run mints its worker's credentials.
      QualificationRun managed = run("managed", work);
      managed.getSpec().setJob(readmeOwnRunJob());
      client.resource(managed).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace(work).withName("managed-1").get() != null);
      Job job = client.batch().v1().jobs().inNamespace(work).withName("managed-1").get();
      String account = WorkerCredentials.name("managed");
      assertThat(job.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(account);
      QualificationRun created =
          client.resources(QualificationRun.class).inNamespace(work).withName("managed").get();
      for (HasMetadata minted :
          List.of(
              client.serviceAccounts().inNamespace(work).withName(account).get(),
              client.rbac().roles().inNamespace(work).withName(account).get(),
              client.rbac().roleBindings().inNamespace(work).withName(account).get())) {
        assertThat(created.owns(minted)).as("%s owned by the run", minted.getKind()).isTrue();
      }
      assertThat(client.rbac().roles().inNamespace(work).withName(account).get().getRules())
          .as("the README's one-run Role")
          .isEqualTo(readmeRole("managed").getRules());

      // The pod's token (what the kubelet mounts) reports for this run with the README's
      // functions, and for nothing else.
      QualificationRun other = run("other", work);
      client.resource(other).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> phase(work, "other") == Phase.Pending);
      Path token = ChartRbac.kubeconfigFor(account, work);
      ShellWorker mine = new ShellWorker(token, work, "managed", "pod-1");
      assertThat(mine.claim().exitCode()).isZero();
      assertThat(mine.run("report completed 7").exitCode()).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> phase(work, "managed") == Phase.Running);
      ShellWorker.Result theirs = new ShellWorker(token, work, "other", "pod-1").claim();
      assertThat(theirs.exitCode()).isNotZero();
      assertThat(theirs.stderr()).contains("Forbidden");
      ShellWorker.Result forge =
          mine.run(
              "kubectl patch qrun managed -n \"$NS\" --subresource=status --type=merge"
                  + " -p '{\"status\":{\"phase\":\"Succeeded\"}}'");
      assertThat(forge.exitCode()).isNotZero();
      assertThat(forge.stderr()).contains("Forbidden");
      assertThat(phase(work, "managed")).isEqualTo(Phase.Running);
      // docs/security.md, "Admin-owned templates": the chart lets the operator read PodTemplates.
      for (String block :
          Readme.blocks("docs/security.md", "Managed mode: a run with a template is a pod")) {
        client
            .load(new ByteArrayInputStream(block.getBytes(StandardCharsets.UTF_8)))
            .inNamespace(work)
            .create();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client.batch().v1().jobs().inNamespace(work).withName("portal-scrape-7-1").get()
                      != null);
      assertThat(client.v1().events().inNamespace(work).list().getItems()).isNotEmpty();
      assertThat(client.leases().inNamespace(ns).withName("runwarden-operator").get())
          .as("leader election lease taken with the chart's Role")
          .isNotNull();
      assertThat(Files.readString(operator.log()))
          .as(
              "no request refused for want of a right (a 403, not a port like 40345 nor the ms of a time)")
          .doesNotContainPattern("(?<![0-9,.:])403(?![0-9])")
          .doesNotContain("Forbidden");
    }
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** The README's workerAccess example (its last Managed mode block), as a run's spec.job. */
  private AttemptJobSpec readmeOwnRunJob() {
    List<String> blocks = Readme.blocks("Managed mode: attempts as Kubernetes Jobs");
    QualificationRun parsed =
        client
            .getKubernetesSerialization()
            .unmarshal(blocks.get(blocks.size() - 1), QualificationRun.class);
    assertThat(parsed.getSpec().getJob().getWorkerAccess()).isEqualTo(WorkerAccess.OwnRun);
    return parsed.getSpec().getJob();
  }

  /** The README's one-run Role ("Worker protocol"), for run {@code name}. */
  private Role readmeRole(String name) {
    return client.getKubernetesSerialization().unmarshal(Readme.oneRunRole(name), Role.class);
  }

  private List<HasMetadata> render(String ns, com.marcnuri.helm.TemplateCommand template) {
    String yaml = template.call();
    return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  private static ClusterRole clusterRole(List<HasMetadata> objects, String name) {
    return (ClusterRole)
        objects.stream()
            .filter(o -> o instanceof ClusterRole && o.getMetadata().getName().equals(name))
            .findFirst()
            .orElseThrow();
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
