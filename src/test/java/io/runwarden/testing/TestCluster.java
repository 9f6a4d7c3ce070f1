package io.runwarden.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One real kube-apiserver + etcd on loopback for the whole test JVM (kube-api-test, the Java
 * envtest), with the committed CRD installed.
 *
 * <p>Offline by default: scripts/kube-binaries.sh (run by the build before the tests) caches
 * Kubernetes 1.20.2 built from Debian's source. When that cache is missing, kube-api-test downloads
 * the version in KUBE_API_TEST_API_SERVER_VERSION (or the latest) itself.
 */
public final class TestCluster {

  public static final String DEFAULT_VERSION = "1.20.2";
  private static TestCluster instance;
  private static List<String> extraFlags = List.of();

  private final KubeAPIServer server;
  private final Path kubeconfig;
  private final KubernetesClient client;

  private TestCluster() {
    String dir =
        System.getenv()
            .getOrDefault(
                "KUBE_API_TEST_DIR",
                Path.of(System.getProperty("user.home"), ".kubeapitest").toString());
    String version =
        System.getenv().getOrDefault("KUBE_API_TEST_API_SERVER_VERSION", DEFAULT_VERSION);
    boolean cached =
        Files.isExecutable(Path.of(dir, "k8s", version + "-linux-amd64", "kube-apiserver"));
    // The env var KUBE_API_TEST_OFFLINE_MODE breaks kube-api-test 7.4.0 (ClassCastException):
    // offline mode is chosen here in code instead.
    server =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withTestDir(dir)
                .withApiServerVersion(version)
                .withOfflineMode(cached)
                .withApiServerFlags(extraFlags)
                .build());
    server.start();
    try {
      // run-local.sh's cluster writes elsewhere so a test run never overwrites its kubeconfig.
      kubeconfig =
          projectDir()
              .resolve(System.getProperty("test.kubeconfig", "target/test-cluster/kubeconfig"));
      Files.createDirectories(kubeconfig.getParent());
      Files.writeString(kubeconfig, server.getKubeConfigYaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client = new KubernetesClientBuilder().withConfig(config()).build();
    installCrd();
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "test-cluster-stop"));
  }

  /**
   * Starts the cluster with extra kube-apiserver flags (the benchmark's audit log); must come
   * before the first {@link #get()}.
   */
  public static synchronized TestCluster startWith(List<String> apiServerFlags) {
    if (instance != null) {
      throw new IllegalStateException("the test cluster is already running");
    }
    extraFlags = List.copyOf(apiServerFlags);
    return get();
  }

  public static synchronized TestCluster get() {
    if (instance == null) {
      instance = new TestCluster();
    }
    return instance;
  }

  public Config config() {
    Config config = Config.fromKubeconfig(server.getKubeConfigYaml());
    // Told apart from the operator's own client (Fabric8's default agent) in audit logs.
    config.setUserAgent("runwarden-test-harness");
    return config;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public KubernetesClient client() {
    return client;
  }

  /** A fresh namespace per test keeps tests independent without cleaning up between them. */
  public String newNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /**
   * Stops kube-apiserver, keeps it down for {@code down}, then starts it again with the same
   * command line (same port, certificates and etcd): what a control-plane upgrade or crash does to
   * an operator. etcd keeps running with its data.
   */
  public synchronized void restartApiServer(Duration down) {
    try {
      Process old = restartedApiServer;
      if (old == null) {
        Object managed = field(server, "kubeApiServerProcess");
        // kube-api-test treats an API server that exits as fatal and tears etcd down with its
        // data; marking it stopped keeps etcd (and the data) alive.
        setField(managed, "stopped", true);
        old = (Process) field(managed, "apiServerProcess");
        apiServerCommand =
            List.of(
                Files.readString(Path.of("/proc", Long.toString(old.pid()), "cmdline"))
                    .split("\0"));
      }
      old.destroy();
      old.waitFor();
      java.util.concurrent.locks.LockSupport.parkNanos(down.toNanos());
      Path log = projectDir().resolve("target/test-cluster/kube-apiserver-restarted.log");
      Process restarted =
          new ProcessBuilder(apiServerCommand)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      // kube-api-test no longer owns this process (it still counts its own as stopped, which also
      // keeps the old process's exit from tearing etcd down later): stop it with the JVM. A later
      // restart in the same JVM (two suites restart it) stops this one.
      restartedApiServer = restarted;
      Runtime.getRuntime()
          .addShutdownHook(new Thread(restarted::destroyForcibly, "kube-apiserver-stop"));
    } catch (ReflectiveOperationException | IOException e) {
      throw new IllegalStateException("cannot restart kube-apiserver", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The API server this class started in place of kube-api-test's, and its command line. */
  private Process restartedApiServer;

  private List<String> apiServerCommand;

  private static Object field(Object target, String name) throws ReflectiveOperationException {
    java.lang.reflect.Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(target);
  }

  private static void setField(Object target, String name, Object value)
      throws ReflectiveOperationException {
    java.lang.reflect.Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    f.set(target, value);
  }

  public static Path projectDir() {
    return Path.of(System.getProperty("test.project.dir", ".")).toAbsolutePath();
  }

  /** The CRD files, as committed under deploy/crds/ and generated under target/kubernetes/. */
  public static final List<String> CRD_FILES =
      List.of(
          "qualificationruns.runwarden.io-v1.yml", "qualificationrunreports.runwarden.io-v1.yml");

  public static Path crdFile(String name) {
    return projectDir().resolve("deploy/crds").resolve(name);
  }

  private void installCrd() {
    CRD_FILES.forEach(this::installCrd);
  }

  private void installCrd(String name) {
    Path generated = projectDir().resolve("target/kubernetes").resolve(name);
    try {
      // Tests run against the committed CRD; a stale one would silently prune new fields.
      if (Files.exists(generated)
          && !Files.readString(generated).equals(Files.readString(crdFile(name)))) {
        throw new IllegalStateException(
            "deploy/crds is stale: copy " + generated + " to deploy/crds/ and commit it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (InputStream in = Files.newInputStream(crdFile(name))) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(in).item();
      client.resource(crd).serverSideApply();
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(crd.getMetadata().getName())
          .waitUntilCondition(
              c ->
                  c.getStatus() != null
                      && c.getStatus().getConditions() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              cond ->
                                  "Established".equals(cond.getType())
                                      && "True".equals(cond.getStatus())),
              Duration.ofSeconds(30).toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stop() {
    client.close();
    server.stop();
  }
}
