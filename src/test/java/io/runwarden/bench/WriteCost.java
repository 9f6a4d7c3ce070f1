package io.runwarden.bench;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.runwarden.api.v1alpha1.Phase;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunStatus;
import io.runwarden.config.KubernetesClients;
import io.runwarden.kube.DirectWrites;
import io.runwarden.kube.NativeTls;
import io.runwarden.testing.RunFixtures;
import io.runwarden.testing.TestCluster;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one of the operator's writes costs the operator's process in CPU, through Fabric8's resource
 * DSL and through {@link DirectWrites}: {@code ./mvnw -B -Pbench verify
 * -Dbench.main=io.runwarden.bench.WriteCost}. A run's status applied (the reply read, as the
 * operator reads it) and an Event created (the reply read by the DSL, left unread directly), in
 * rounds that alternate between the two ways, each round timed by the process's CPU.
 *
 * <p>The writes are made in a child JVM with the image's flags (C1 only, as the operator runs) and
 * the operator's TLS, so the request building is compiled as it is in the pod; the API server runs
 * beside it. Prints the CPU per write of each way, per round, and the medians.
 */
public final class WriteCost {

  private static final int OBJECTS = Integer.getInteger("bench.objects", 200);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 8);

  private WriteCost() {}

  public static void main(String[] args) {
    if (args.length == 2) {
      Benchmark.exitAfter(() -> measure(Path.of(args[0]), args[1]));
    } else {
      Benchmark.exitAfter(WriteCost::launch);
    }
  }

  /** Starts the API server here and the measuring JVM as the operator's would start. */
  private static void launch() throws Exception {
    TestCluster cluster = TestCluster.get();
    String ns = cluster.newNamespace("write-cost");
    ProductionJvm.runMeasuringJvm(
        WriteCost.class,
        List.of("-Dbench.objects=" + OBJECTS, "-Dbench.rounds=" + ROUNDS),
        List.of(cluster.kubeconfig().toString(), ns));
  }

  private static void measure(Path kubeconfig, String ns) throws Exception {
    Config config = Config.fromKubeconfig(java.nio.file.Files.readString(kubeconfig));
    Vertx vertx = Vertx.vertx();
    // The operator's TLS (BoringSSL when it loads, as in the operator), so the request building
    // is not hidden behind the JDK's C1-compiled cipher.
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(
                KubernetesClients.httpClientFactory(
                    true,
                    NativeTls.available()
                        ? java.util.Optional.empty()
                        : java.util.Optional.of(NativeTls.unavailableBecause()),
                    vertx))
            .build()) {
      DirectWrites direct = new DirectWrites(client);
      DirectWrites.Collection runs = DirectWrites.collection(QualificationRun.class);
      DirectWrites.Collection events = DirectWrites.collection(Event.class);
      var json = client.getKubernetesSerialization();
      PatchContext apply =
          new PatchContext.Builder()
              .withPatchType(PatchType.SERVER_SIDE_APPLY)
              .withFieldManager("runwarden-bench")
              .withForce(true)
              .build();
      String query = DirectWrites.forcedApply("runwarden-bench");
      for (int i = 0; i < OBJECTS; i++) {
        client.resource(RunFixtures.run("run-" + i, ns)).create();
      }
      List<long[]> dsl = new ArrayList<>();
      List<long[]> raw = new ArrayList<>();
      // Two rounds of each to warm up, then the measured ones; the two ways take turns.
      for (int round = 0; round < ROUNDS + 2; round++) {
        int r = round;
        long[] viaDsl =
            timed(
                () -> {
                  for (int i = 0; i < OBJECTS; i++) {
                    client
                        .resource(status(ns, "run-" + i, 2 * r))
                        .subresource("status")
                        .patch(apply);
                    client.resource(event(ns, "dsl-" + r + "-" + i)).create();
                  }
                });
        long[] viaDirect =
            timed(
                () -> {
                  for (int i = 0; i < OBJECTS; i++) {
                    String name = "run-" + i;
                    // As StatusWriter writes: the answer's resourceVersion only.
                    direct.sendForResourceVersion(
                        "PATCH",
                        runs.object(ns, name, "status") + query,
                        DirectWrites.APPLY,
                        json.asJson(status(ns, name, 2 * r + 1)));
                    direct.send(
                        "POST",
                        events.in(ns),
                        DirectWrites.JSON,
                        json.asJson(event(ns, "direct-" + r + "-" + i)));
                  }
                });
        if (round >= 2) {
          dsl.add(viaDsl);
          raw.add(viaDirect);
          System.out.printf(
              "round %d: resource DSL %.0f µs CPU, %.2f ms wall; DirectWrites %.0f µs CPU, %.2f ms"
                  + " wall (per status apply and Event create)%n",
              round - 1,
              viaDsl[0] / 1e3 / OBJECTS,
              viaDsl[1] / 1e6 / OBJECTS,
              viaDirect[0] / 1e3 / OBJECTS,
              viaDirect[1] / 1e6 / OBJECTS);
        }
      }
      System.out.printf(
          "median over %d rounds of %d: resource DSL %.0f µs, DirectWrites %.0f µs of the process's"
              + " CPU per status apply and Event create%n",
          ROUNDS, OBJECTS, median(dsl) / 1e3 / OBJECTS, median(raw) / 1e3 / OBJECTS);
    } finally {
      vertx.close();
    }
  }

  private static QualificationRun status(String ns, String name, int attempt) {
    QualificationRun run = new QualificationRun();
    run.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    QualificationRunStatus status = new QualificationRunStatus();
    status.setPhase(Phase.Running);
    status.setAttempt(attempt);
    run.setStatus(status);
    return run;
  }

  private static Event event(String ns, String name) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewInvolvedObject()
        .withKind("QualificationRun")
        .withName("run-0")
        .withNamespace(ns)
        .endInvolvedObject()
        .withType("Normal")
        .withReason("Claimed")
        .withMessage("Attempt 1 claimed by worker bench.")
        .withCount(1)
        .build();
  }

  /** The process's CPU and the wall time the body took, in nanoseconds. */
  private static long[] timed(Runnable body) {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    long wall = System.nanoTime();
    body.run();
    return new long[] {os.getProcessCpuTime() - cpu, System.nanoTime() - wall};
  }

  private static double median(List<long[]> rounds) {
    long[] cpu = rounds.stream().mapToLong(r -> r[0]).sorted().toArray();
    return cpu.length % 2 == 1
        ? cpu[cpu.length / 2]
        : (cpu[cpu.length / 2 - 1] + cpu[cpu.length / 2]) / 2.0;
  }
}
