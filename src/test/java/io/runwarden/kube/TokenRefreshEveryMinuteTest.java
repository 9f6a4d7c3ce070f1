package io.runwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.runwarden.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

class TokenRefreshEveryMinuteTest {

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final AtomicInteger befores = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();

  private final Interceptor fabric8 =
      new Interceptor() {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
          befores.incrementAndGet();
        }

        @Override
        public CompletableFuture<Boolean> afterFailure(
            BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
          failures.incrementAndGet();
          return CompletableFuture.completedFuture(true);
        }
      };

  private TokenRefreshEveryMinute interceptor(Config config) {
    return new TokenRefreshEveryMinute(config, fabric8, now::get);
  }

  @Test
  void withoutATokenFabric8IsAskedOnceAMinute() {
    TokenRefreshEveryMinute i = interceptor(new ConfigBuilder().build());
    for (int n = 0; n < 100; n++) {
      i.before(null, null, null);
    }
    assertThat(befores).hasValue(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(59));
    i.before(null, null, null);
    assertThat(befores).as("59 s later").hasValue(1);
    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    i.before(null, null, null);
    i.before(null, null, null);
    assertThat(befores).as("a minute later, once more").hasValue(2);
  }

  @Test
  void withATokenEveryRequestGoesThroughFabric8() {
    TokenRefreshEveryMinute i = interceptor(new ConfigBuilder().withOauthToken("t").build());
    for (int n = 0; n < 5; n++) {
      i.before(null, null, null);
    }
    assertThat(befores).hasValue(5);
  }

  @Test
  void anUnauthorizedAnswerAlwaysAsksFabric8() {
    TokenRefreshEveryMinute i = interceptor(new ConfigBuilder().build());
    i.afterFailure((BasicBuilder) null, null, null);
    i.afterFailure((BasicBuilder) null, null, null);
    assertThat(failures).hasValue(2);
  }

  /**
   * The bug this works around, and that it does: a client authenticated by a certificate in a
   * kubeconfig file (the test cluster's), counted by the JDK's own file-read events.
   */
  @Test
  void aCertificateClientNoLongerReadsItsKubeconfigOnEveryRequest() throws Exception {
    Path kubeconfig = TestCluster.get().kubeconfig();
    // Found the way Quarkus finds the operator's (Config.autoConfigure, here from the kubeconfig
    // property rather than KUBECONFIG), which is what Fabric8's refresh repeats.
    String before = System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
    int fabric8Reads;
    int ourReads;
    try {
      Config config = Config.autoConfigure(null);
      assertThat(TokenRefreshEveryMinute.hasToken(config)).as("a certificate, no token").isFalse();
      fabric8Reads = kubeconfigReads(kubeconfig, config, false);
      ourReads = kubeconfigReads(kubeconfig, config, true);
    } finally {
      if (before == null) {
        System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
      } else {
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, before);
      }
    }
    assertThat(fabric8Reads)
        .as("Fabric8's own interceptor: at least one read per request, 20 requests")
        .isGreaterThanOrEqualTo(20);
    assertThat(ourReads)
        .as(
            "with TokenRefreshEveryMinute: one refresh's reads in all (Fabric8's: %d)",
            fabric8Reads)
        .isPositive()
        .isLessThanOrEqualTo(fabric8Reads / 20);
  }

  private static int kubeconfigReads(Path kubeconfig, Config config, boolean ours)
      throws Exception {
    var factory = HttpClientUtils.getHttpClientFactory();
    Path dump = Files.createTempFile("reads", ".jfr");
    try (KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(factory)
                .withHttpClientBuilderConsumer(
                    b -> {
                      // Fabric8's interceptor as it is once its first minute has passed (it starts
                      // with a refresh recorded at creation): the state a running operator is in.
                      Interceptor fabric8 =
                          new TokenRefreshInterceptor(config, factory, Instant.EPOCH);
                      b.addOrReplaceInterceptor(
                          TokenRefreshInterceptor.NAME,
                          ours
                              ? new TokenRefreshEveryMinute(config, fabric8, System::nanoTime)
                              : fabric8);
                    })
                .build();
        Recording recording = new Recording()) {
      recording.enable("jdk.FileRead").withThreshold(Duration.ZERO).withStackTrace();
      recording.start();
      for (int n = 0; n < 20; n++) {
        client.namespaces().withName("default").get();
      }
      recording.stop();
      recording.dump(dump);
      Path path = kubeconfig.toAbsolutePath().normalize();
      int reads = 0;
      for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
        String read = e.getString("path");
        if (read != null && Path.of(read).toAbsolutePath().normalize().equals(path)) {
          reads++;
        }
      }
      return reads;
    } finally {
      Files.deleteIfExists(dump);
    }
  }
}
