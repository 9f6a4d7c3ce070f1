package io.runwarden.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.runwarden.kube.NativeTlsClientFactory;
import io.runwarden.testing.TestCluster;
import io.vertx.core.Vertx;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Which TLS the operator's client gets: BoringSSL when wanted and loaded, else the JDK's, and the
 * client works either way against the real API server.
 */
class KubernetesClientsTest {

  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close();
  }

  @Test
  void wantedAndLoadedIsBoringSsl() {
    HttpClient.Factory factory = KubernetesClients.httpClientFactory(true, Optional.empty(), VERTX);

    assertThat(factory).isInstanceOf(NativeTlsClientFactory.class);
    assertWorks(factory);
  }

  @Test
  void switchedOffIsTheJdksAndTheClientWorks() {
    HttpClient.Factory factory =
        KubernetesClients.httpClientFactory(false, Optional.empty(), VERTX);

    assertThat(factory).isNotInstanceOf(NativeTlsClientFactory.class);
    assertWorks(factory);
  }

  @Test
  void whereBoringSslDidNotLoadTheJdksIsUsedAndTheClientWorks() {
    HttpClient.Factory factory =
        KubernetesClients.httpClientFactory(
            true, Optional.of("no writable directory to unpack it into"), VERTX);

    assertThat(factory).isNotInstanceOf(NativeTlsClientFactory.class);
    assertWorks(factory);
  }

  private static void assertWorks(HttpClient.Factory factory) {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withHttpClientFactory(factory)
            .withConfig(TestCluster.get().config())
            .build()) {
      assertThat(client.namespaces().withName("default").get()).isNotNull();
    }
  }
}
