package io.runwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import io.runwarden.testing.TestCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * The client's requests are bounded by Vert.x's timer alone ({@link RequestTimeout}): still
 * bounded, against a server that never answers, and without Fabric8's second timer, whose
 * cancellation built an exception per request, against the real API server.
 */
class RequestTimeoutTest {

  @Test
  void takesTheTimeoutFromTheConfigurationAndLeavesItZero() {
    Config config = new ConfigBuilder().withRequestTimeout(7_000).build();

    RequestTimeout timeout = RequestTimeout.takenFrom(config);

    assertThat(timeout.timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(config.getRequestTimeout()).isZero();
    Config none = new ConfigBuilder().withRequestTimeout(0).build();
    assertThat(RequestTimeout.takenFrom(none)).as("no timeout configured: none added").isNull();
  }

  @Test
  void putsTheTimeoutOnRequestsThatCarryZeroOnly() {
    RequestTimeout timeout = new RequestTimeout(7_000);
    StandardHttpRequest.Builder zero =
        (StandardHttpRequest.Builder)
            new StandardHttpRequest.Builder().uri("http://x/a").timeout(0, TimeUnit.SECONDS);
    StandardHttpRequest.Builder own =
        (StandardHttpRequest.Builder)
            new StandardHttpRequest.Builder().uri("http://x/b").timeout(3, TimeUnit.SECONDS);
    StandardHttpRequest.Builder stream =
        (StandardHttpRequest.Builder) new StandardHttpRequest.Builder().uri("http://x/c");

    for (StandardHttpRequest.Builder b : List.of(zero, own, stream)) {
      timeout.before(b, b.build(), null);
    }

    assertThat(zero.build().getTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(own.build().getTimeout())
        .as("a timeout of its own")
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(stream.build().getTimeout()).as("a stream: none, as Fabric8 leaves it").isNull();
  }

  /**
   * A request and a watch (its websocket's connect) to a server that accepts and never answers
   * still end, with a 1 s timeout.
   */
  @Test
  void aServerThatNeverAnswersStillTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread accepting =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept());
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              });
      accepting.setDaemon(true);
      accepting.start();
      Config config =
          new ConfigBuilder()
              .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
              .withRequestTimeout(1_000)
              .withRequestRetryBackoffLimit(0)
              .build();
      try (KubernetesClient client = client(config, true)) {
        // Generous for a busy machine; without a timeout these would wait forever.
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () -> {
              assertThatThrownBy(() -> client.namespaces().withName("default").get())
                  .isInstanceOf(KubernetesClientException.class);
              // A watch's websocket as Fabric8's watch opens it: the configured timeout as its
              // connect timeout, zero here.
              CompletableFuture<WebSocket> socket =
                  client
                      .getHttpClient()
                      .newWebSocketBuilder()
                      .uri(URI.create(config.getMasterUrl() + "api/v1/namespaces?watch=true"))
                      .connectTimeout(config.getRequestTimeout(), TimeUnit.MILLISECONDS)
                      .buildAsync(new WebSocket.Listener() {});
              assertThatThrownBy(socket::get).isInstanceOf(ExecutionException.class);
            });
      } finally {
        silent.close();
        accepting.join(5_000);
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  /**
   * Fabric8's second timer is cancelled through {@code CompletableFuture.cancel} when the answer
   * comes, which builds a {@code CancellationException} for every request; with the timeout moved
   * to the interceptor none is built. Counted with Java Flight Recorder's exception events, against
   * the real API server, Fabric8's way first so the count shows the test can see them.
   */
  @Test
  void noCancellationIsBuiltPerRequest() throws Exception {
    int fabric8s = cancellationsFor20Requests(false);
    int ours = cancellationsFor20Requests(true);

    assertThat(fabric8s).as("Fabric8's second timer: one per request").isGreaterThanOrEqualTo(20);
    assertThat(ours).as("with RequestTimeout (Fabric8's: %d)", fabric8s).isZero();
  }

  private static int cancellationsFor20Requests(boolean ours) throws Exception {
    Config config =
        new ConfigBuilder(TestCluster.get().config()).withRequestTimeout(10_000).build();
    Path dump = Files.createTempFile("cancellations", ".jfr");
    try (KubernetesClient client = client(config, ours);
        Recording recording = new Recording()) {
      client.namespaces().withName("default").get(); // connections and classes ready
      recording.enable("jdk.JavaExceptionThrow").withThreshold(Duration.ZERO);
      recording.start();
      for (int n = 0; n < 20; n++) {
        assertThat(client.namespaces().withName("default").get()).isNotNull();
      }
      recording.stop();
      recording.dump(dump);
      int cancellations = 0;
      for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
        if (e.getEventType().getName().equals("jdk.JavaExceptionThrow")
            && e.getClass("thrownClass") != null
            && e.getClass("thrownClass").getName().equals(CancellationException.class.getName())) {
          cancellations++;
        }
      }
      return cancellations;
    } finally {
      Files.deleteIfExists(dump);
    }
  }

  private static KubernetesClient client(Config config, boolean ours) {
    RequestTimeout timeout = ours ? RequestTimeout.takenFrom(config) : null;
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(HttpClientUtils.getHttpClientFactory())
        .withHttpClientBuilderConsumer(
            b -> {
              if (timeout != null) {
                b.addOrReplaceInterceptor(RequestTimeout.NAME, timeout);
              }
            })
        .build();
  }
}
