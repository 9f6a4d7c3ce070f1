package io.runwarden.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.lifecycle.Reasons;
import io.runwarden.testing.ChartRbac;
import io.runwarden.testing.Kubectl;
import io.runwarden.testing.OperatorProcess;
import io.runwarden.testing.TestCluster;
import io.runwarden.testing.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #9: garbage in, applied the way users apply runs (kubectl), against the operator running
 * under the chart's RBAC. Each bad run is refused by the schema with a message naming the field, or
 * accepted and failed with InvalidSpec naming the field; bad worker reports are refused, ignored or
 * clamped; and every other run keeps being served.
 */
class BadInputIT {

  private static final KubernetesClient client = TestCluster.get().client();
  private static OperatorProcess operator;
  private static String ns;
  @TempDir static Path files;

  private static String opNs;

  @BeforeAll
  static void start() {
    opNs = TestCluster.get().newNamespace("badinput-op");
    Path kubeconfig = ChartRbac.install("badinput", opNs);
    ns = TestCluster.get().newNamespace("badinput");
    // Progress mirrored at once so that clamping is visible without waiting 15 s; the operator's
    // namespace as the chart sets it.
    operator =
        OperatorProcess.startWith(
            kubeconfig,
            OperatorProcess.MIRROR_PROGRESS_AT_ONCE,
            "-Drunwarden.operator-namespace=" + opNs);
  }

  @Test
  void aRunInTheOperatorsOwnNamespaceIsInvalidSpec() throws Exception {
    Path file = Files.createTempFile(files, "in-op-ns", ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: runwarden.io/v1alpha1
        kind: QualificationRun
        metadata:
          name: in-operator-namespace
        spec:
          timeouts: {start: 10m}
        """);
    Kubectl.run("apply", "-n", opNs, "-f", file.toString()).assertOk();
    QualificationRunStatus s =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    client
                        .resources(QualificationRun.class)
                        .inNamespace(opNs)
                        .withName("in-operator-namespace")
                        .get()
                        .getStatus(),
                st -> st != null && st.getPhase() == Phase.Failed);
    assertThat(s.getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(s.getMessage()).startsWith("metadata.namespace: ").contains(opNs);
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  record Refused(String name, String spec, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Refused> refusedBySchema() {
    return List.of(
        new Refused(
            "bad-duration", "timeouts: {heartbeat: five minutes}", "spec.timeouts.heartbeat"),
        new Refused("negative-retries", "retry: {maxRetries: -1}", "spec.retry.maxRetries"),
        new Refused("huge-retries", "retry: {maxRetries: 100000}", "spec.retry.maxRetries"),
        new Refused("huge-factor", "retry: {backoff: {factor: 50}}", "spec.retry.backoff.factor"),
        new Refused(
            "negative-jitter", "retry: {backoff: {jitter: -0.5}}", "spec.retry.backoff.jitter"),
        new Refused("huge-jitter", "retry: {backoff: {jitter: 2}}", "spec.retry.backoff.jitter"),
        new Refused(
            "exit-code-zero",
            "retry: {nonRetryableExitCodes: [0]}",
            "spec.retry.nonRetryableExitCodes"),
        new Refused(
            "huge-exit-code",
            "retry: {nonRetryableExitCodes: [99999999999]}",
            "spec.retry.nonRetryableExitCodes"),
        new Refused(
            "zero-crash-loop-guard",
            "retry: {maxAttemptsWithoutProgress: 0}",
            "spec.retry.maxAttemptsWithoutProgress"),
        new Refused("unknown-enum", "resume: Sometimes", "spec.resume"),
        new Refused("unknown-retry-reason", "retry: {reasons: [Sometimes]}", "spec.retry.reasons"),
        new Refused("missing-key", "concurrency: {policy: Forbid}", "spec.concurrency.key"),
        new Refused("key-limit-zero", "concurrency: {key: k, limit: 0}", "spec.concurrency.limit"),
        new Refused(
            "key-limit-huge", "concurrency: {key: k, limit: 100000}", "spec.concurrency.limit"),
        new Refused("budget-without-limit", "budget: {unit: tokens}", "spec.budget.limit"),
        new Refused("budget-limit-zero", "budget: {limit: 0}", "spec.budget.limit"),
        new Refused(
            "budget-warn-above-one", "budget: {limit: 10, warnAt: 2}", "spec.budget.warnAt"),
        new Refused(
            "budget-unit-with-markup",
            "budget: {limit: 10, unit: '<b>tokens</b>'}",
            "spec.budget.unit"),
        new Refused(
            "budget-unknown-action",
            "budget: {limit: 10, onExhausted: Ignore}",
            "spec.budget.onExhausted"),
        new Refused(
            "missing-url",
            "externalService: {onUnreachable: Fail}",
            "spec.externalService.statusUrl"),
        new Refused(
            "ftp-url",
            "externalService: {statusUrl: 'ftp://example.org/x'}",
            "spec.externalService.statusUrl"),
        // The pattern once matched only a first line: a URL that went on to forge a log line.
        new Refused(
            "url-with-line-break",
            "externalService: {statusUrl: \"https://x.example/j\\n2026-12-04 ERROR forged\"}",
            "spec.externalService.statusUrl"),
        new Refused("negative-total", "total: -5", "spec.total"),
        // 3,710 characters of retention used to pass the pattern and stop every GC sweep.
        new Refused(
            "endless-ttl",
            "ttlAfterFinished: " + "999999999d".repeat(371),
            "spec.ttlAfterFinished"),
        new Refused(
            "long-duration", "timeouts: {run: " + "1s".repeat(17) + "}", "spec.timeouts.run"),
        new Refused(
            "status-field-expression",
            "externalService: {statusUrl: 'https://x.example/j', statusField: 'a[0]'}",
            "spec.externalService.statusField"),
        new Refused(
            "value-flood",
            "externalService: {statusUrl: 'https://x.example/j', completedValues: ["
                + String.join(",", java.util.Collections.nCopies(17, "done"))
                + "]}",
            "spec.externalService.completedValues"),
        new Refused(
            "label-flood",
            "job: {template: {spec: {containers: [{name: w, image: x}]}}, labels: {"
                + String.join(
                    ",",
                    java.util.stream.IntStream.range(0, 33).mapToObj(i -> "l" + i + ": v").toList())
                + "}}",
            "spec.job.labels"),
        new Refused(
            "long-value",
            "externalService: {statusUrl: 'https://x.example/j', completedValues: ["
                + "d".repeat(65)
                + "]}",
            "spec.externalService.completedValues"),
        new Refused(
            "long-label-value",
            "job: {template: {spec: {containers: [{name: w, image: x}]}}, labels: {team: "
                + "t".repeat(64)
                + "}}",
            "spec.job.labels"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedBySchema")
  void refusedByTheSchemaNamingTheField(Refused c) throws Exception {
    Kubectl.Result result = apply(c.name(), c.spec());
    assertThat(result.exitCode()).as(result.stdout()).isNotZero();
    // kubectl's own validation names "spec.concurrency" and "key" apart; the API server's names
    // the full path. Either way the user learns which field.
    String parent = c.field().substring(0, c.field().lastIndexOf('.'));
    String leaf = c.field().substring(c.field().lastIndexOf('.') + 1);
    assertThat(result.stderr()).contains(parent).contains(leaf);
    assertThat(client.resources(QualificationRun.class).inNamespace(ns).withName(c.name()).get())
        .isNull();
  }

  static List<Refused> failedWithInvalidSpec() {
    return List.of(
        new Refused("zero-run", "timeouts: {run: 0s}", "spec.timeouts.run"),
        new Refused(
            "backoff-max-below-initial",
            "retry: {backoff: {initial: 10m, max: 1m}}",
            "spec.retry.backoff.max"),
        new Refused(
            "url-without-host",
            "externalService: {statusUrl: 'https:///jobs/{serviceJobId}'}",
            "spec.externalService.statusUrl"),
        // A template or a templateRef: the schema cannot say "one of", the operator does.
        new Refused("missing-template", "job: {}", "spec.job.template"),
        new Refused(
            "template-and-ref",
            "job: {templateRef: {name: t}, template: {spec: {containers: [{name: w, image: x}]}}}",
            "spec.job.templateRef"),
        new Refused(
            "no-containers", "job: {template: {spec: {containers: []}}}", "spec.job.template"),
        new Refused(
            "container-without-image",
            "job: {template: {spec: {containers: [{name: w}]}}}",
            "spec.job.template"),
        // Floors: a 1 ms heartbeat limit made one run send 125 probes and status writes in 10 s.
        new Refused(
            "millisecond-heartbeat", "timeouts: {heartbeat: 1ms}", "spec.timeouts.heartbeat"),
        new Refused(
            "tiny-backoff", "retry: {backoff: {initial: 1ms}}", "spec.retry.backoff.initial"),

        // Ceilings: the operator's maxDuration (365d by default).
        new Refused("century-run", "timeouts: {run: 36500d}", "spec.timeouts.run"),
        new Refused("forever-ttl", "ttlAfterFinished: 999999999d", "spec.ttlAfterFinished"),
        new Refused(
            "odd-value",
            "externalService: {statusUrl: 'https://x.example/j', failedValues: ['a b']}",
            "spec.externalService.failedValues"),
        new Refused(
            "privileged",
            "job: {template: {spec: {containers: [{name: w, image: x, securityContext: {privileged:"
                + " true}}]}}}",
            "spec.job.template.spec.containers[0].securityContext.privileged"),
        new Refused(
            "host-path",
            "job: {template: {spec: {volumes: [{name: r, hostPath: {path: /}}], containers:"
                + " [{name: w, image: x}]}}}",
            "spec.job.template.spec.volumes[0].hostPath"),
        new Refused(
            "borrowed-account",
            "job: {template: {spec: {serviceAccountName: ci-admin, containers: [{name: w, image:"
                + " x}]}}}",
            "spec.job.template.spec.serviceAccountName"),
        new Refused(
            "own-account-with-own-run",
            "job: {workerAccess: OwnRun, template: {spec: {serviceAccountName: admin, containers:"
                + " [{name: w, image: x}]}}}",
            "spec.job.template.spec.serviceAccountName"),
        // 80 environment variables of 1 KiB: 80 KiB of template, under the API server's 1.5 MiB.
        new Refused(
            "oversize-template",
            "job: {template: {spec: {containers: [{name: w, image: x, env: ["
                + String.join(
                    ",",
                    java.util.stream.IntStream.range(0, 80)
                        .mapToObj(i -> "{name: E" + i + ", value: " + "v".repeat(1024) + "}")
                        .toList())
                + "]}]}}}",
            "spec.job.template"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failedWithInvalidSpec")
  void acceptedThenFailedWithInvalidSpecNamingTheField(Refused c) throws Exception {
    apply(c.name(), c.spec()).assertOk();
    apply(c.name() + "-neighbour", "timeouts: {start: 10m}").assertOk();
    QualificationRunStatus s = awaitStatus(c.name(), st -> st.getPhase() == Phase.Failed);
    assertThat(s.getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(s.getMessage()).contains(c.field());
    assertThat(awaitStatus(c.name() + "-neighbour", st -> st.getPhase() == Phase.Pending))
        .as("the operator keeps serving other runs")
        .isNotNull();
  }

  @Test
  void aHugeMultiLineForceFailAnnotationIsCappedAndEscapedEverywhereItIsCopied() throws Exception {
    apply("flooded", "timeouts: {start: 10m}").assertOk();
    awaitStatus("flooded", st -> st.getPhase() == Phase.Pending);
    String flood = "stop\nFAKE LOG LINE\n" + "x".repeat(100_000);
    Kubectl.run("annotate", "qrun/flooded", "-n", ns, "runwarden.io/force-fail=" + flood)
        .assertOk();
    QualificationRunStatus s = awaitStatus("flooded", st -> st.getPhase() == Phase.Failed);
    assertThat(s.getReason()).isEqualTo(Reasons.FORCE_FAILED);
    assertThat(s.getRequests().getForceFail())
        .startsWith("stop\\nFAKE LOG LINE\\n")
        .hasSizeLessThan(400);
    assertThat(s.getMessage()).doesNotContain("\n").hasSizeLessThan(600);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                    .filteredOn(e -> Reasons.FORCE_FAILED.equals(e.getReason()))
                    .singleElement()
                    .satisfies(
                        e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(600)));
  }

  @Test
  void reportsForAnotherAttemptAreIgnored() throws Exception {
    apply("wrong-attempt", "timeouts: {start: 10m}").assertOk();
    awaitStatus("wrong-attempt", st -> st.getPhase() == Phase.Pending);
    patchReport("wrong-attempt", "{\"attempt\": 7, \"worker\": \"w\", \"outcome\": \"Succeeded\"}")
        .assertOk();
    apply("after-wrong-attempt", "timeouts: {start: 10m}").assertOk();
    awaitStatus("after-wrong-attempt", st -> st.getPhase() == Phase.Pending);
    assertThat(status("wrong-attempt").getPhase()).isEqualTo(Phase.Pending);
    assertThat(status("wrong-attempt").getAttempt()).isEqualTo(1);
  }

  @Test
  void aHeartbeatFromTheFutureDoesNotKeepADeadWorkerAlive() throws Exception {
    apply("future", "timeouts: {start: 10m, heartbeat: 2s}\n  retry: {maxRetries: 0}").assertOk();
    awaitStatus("future", st -> st.getPhase() == Phase.Pending);
    new TestWorker(client, ns, "future", "w").claim();
    awaitStatus("future", st -> st.getPhase() == Phase.Running);
    patchReport(
            "future",
            "{\"attempt\": 1, \"heartbeatAt\": \""
                + Instant.now().plus(Duration.ofHours(1))
                + "\"}")
        .assertOk();
    QualificationRunStatus s = awaitStatus("future", st -> st.getPhase() == Phase.Failed);
    assertThat(s.getMessage()).contains("timeouts.heartbeat");
  }

  @Test
  void completedAboveTotalIsClampedAndNegativeOrOversizeReportsAreRefused() throws Exception {
    apply("clamp", "total: 100\n  timeouts: {start: 10m}").assertOk();
    awaitStatus("clamp", st -> st.getPhase() == Phase.Pending);
    int attempt = new TestWorker(client, ns, "clamp", "w").claim();
    patchReport("clamp", "{\"attempt\": " + attempt + ", \"completed\": 5000}").assertOk();
    QualificationRunStatus s =
        awaitStatus(
            "clamp",
            st ->
                st.getProgress() != null
                    && Long.valueOf(100).equals(st.getProgress().getCompleted()));
    assertThat(s.getProgress().getSummary()).isEqualTo("100/100");

    Kubectl.Result negative = patchReport("clamp", "{\"completed\": -3}");
    assertThat(negative.exitCode()).isNotZero();
    assertThat(negative.stderr()).contains("status.completed");
    Kubectl.Result oversize =
        patchReport("clamp", "{\"checkpoint\": \"" + "x".repeat(40_000) + "\"}");
    assertThat(oversize.exitCode()).isNotZero();
    assertThat(oversize.stderr()).contains("status.checkpoint");
    Kubectl.Result longRetryAfter =
        patchReport("clamp", "{\"retryAfter\": \"" + "9".repeat(100) + "s\"}");
    assertThat(longRetryAfter.exitCode()).isNotZero();
    assertThat(longRetryAfter.stderr()).contains("status.retryAfter");
    assertThat(status("clamp").getPhase()).isEqualTo(Phase.Running);
  }

  // --- helpers -------------------------------------------------------------------------------

  private static Kubectl.Result apply(String name, String spec) throws Exception {
    Path file = Files.createTempFile(files, name, ".yaml");
    Files.writeString(
        file,
        """
        apiVersion: runwarden.io/v1alpha1
        kind: QualificationRun
        metadata:
          name: %s
        spec:
          %s
        """
            .formatted(name, spec));
    return Kubectl.run("apply", "-n", ns, "-f", file.toString());
  }

  private static Kubectl.Result patchReport(String name, String reportJson) throws Exception {
    Path file = Files.createTempFile(files, name, ".json");
    // A hostile or careless write: a merge patch straight into the run's report, no fencing.
    Files.writeString(file, "{\"status\": " + reportJson + "}");
    return Kubectl.run(
        "patch",
        "-n",
        ns,
        "qualificationrunreport",
        name,
        "--subresource=status",
        "--type=merge",
        "--patch-file=" + file);
  }

  private static QualificationRunStatus status(String name) {
    QualificationRun r =
        client.resources(QualificationRun.class).inNamespace(ns).withName(name).get();
    return r == null ? null : r.getStatus();
  }

  private static QualificationRunStatus awaitStatus(
      String name, java.util.function.Predicate<QualificationRunStatus> condition) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(name), s -> s != null && condition.test(s));
  }
}
