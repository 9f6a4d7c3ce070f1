package io.runwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.runwarden.testing.TestCluster;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLSessionContext;
import org.junit.jupiter.api.Test;

/**
 * The operator's client, built as the operator builds it, talks ChaCha20-Poly1305 with the real API
 * server: the server takes the client's preference, so the operator's TLS costs what
 * docs/performance.md measured for ChaCha20 under the image's C1-only JIT, not AES-GCM's.
 */
class ChaCha20AgainstTheApiServerTest {

  @Test
  void theApiServerAcceptsChaCha20WhenTheOperatorOffersItFirst() {
    Vertx vertx = Vertx.vertx();
    KubernetesClients.ChaCha20Factory factory = new KubernetesClients.ChaCha20Factory(vertx);
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(TestCluster.get().config())
            .withHttpClientFactory(factory)
            .build()) {
      assertThat(client.namespaces().list().getItems()).isNotEmpty();
      SSLSessionContext sessions = factory.sslContext().getClientSessionContext();
      List<String> suites =
          Collections.list(sessions.getIds()).stream()
              .map(id -> sessions.getSession(id).getCipherSuite())
              .toList();
      assertThat(suites).isNotEmpty().allMatch("TLS_CHACHA20_POLY1305_SHA256"::equals);
    } finally {
      vertx.close();
    }
  }
}
