package io.runwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.runwarden.testing.TestCluster;
import io.vertx.core.Vertx;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** BoringSSL for the operator's TLS, against the real API server the build provisions. */
class NativeTlsTest {

  private static final Vertx VERTX = Vertx.vertx();

  @AfterAll
  static void close() {
    VERTX.close();
  }

  @Test
  void boringSslLoadsOnThisMachine() {
    assertThat(NativeTls.available()).as(NativeTls.unavailableBecause()).isTrue();
  }

  /**
   * Fabric8 wraps the context in netty's JdkSslContext exactly like this; netty's SslHandler takes
   * its native path only when the engine it gets is an OpenSSL one.
   */
  @Test
  void theEnginesFabric8sWrappingHandsToNettyAreBoringSslOnes() throws Exception {
    Config config = TestCluster.get().config();
    SSLContext context =
        NativeTls.client(SSLUtils.keyManagers(config), SSLUtils.trustManagers(config))
            .orElseThrow();
    JdkSslContext wrapped =
        new JdkSslContext(
            context,
            true,
            null,
            IdentityCipherSuiteFilter.INSTANCE,
            ApplicationProtocolConfig.DISABLED,
            ClientAuth.NONE,
            new String[] {"TLSv1.3", "TLSv1.2"},
            false);
    SSLEngine engine = wrapped.newEngine(ByteBufAllocator.DEFAULT, "127.0.0.1", 443);
    assertThat(engine).isInstanceOf(ReferenceCountedOpenSslEngine.class);
    assertThat(engine.getEnabledProtocols()).contains("TLSv1.3");
  }

  @Test
  void theClientAuthenticatesWithItsCertificateAndTrustsTheClustersAuthority() {
    try (KubernetesClient client = client(TestCluster.get().config())) {
      // The test cluster's kubeconfig authenticates with a client certificate: the key manager
      // path. Listing namespaces needs the user it names (the token path carries no key).
      assertThat(client.namespaces().list().getItems()).isNotEmpty();
    }
  }

  @Test
  void aServerItsAuthorityDidNotSignIsRefused() {
    Config config = TestCluster.get().config();
    // The same server and user, trusting only the JDK's public authorities: the API server's own
    // self-signed authority is not among them, and BoringSSL must refuse it as the JDK would.
    Config untrusting =
        new ConfigBuilder(config)
            .withCaCertData(null)
            .withCaCertFile(null)
            .withRequestRetryBackoffLimit(0)
            .build();
    try (KubernetesClient client = client(untrusting)) {
      assertThatThrownBy(() -> client.namespaces().list())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(
              e ->
                  assertThat(causes(e))
                      .as("refused in the handshake")
                      .anyMatch(SSLHandshakeException.class::isInstance));
    }
  }

  @Test
  void aServerWhoseCertificateDoesNotNameTheHostIsRefused() {
    Config config = TestCluster.get().config();
    // The test API server's certificate names 127.0.0.1 and the kubernetes service names, not
    // "localhost": the same server and authority, reached by a name its certificate lacks.
    String byName = config.getMasterUrl().replace("127.0.0.1", "localhost");
    assertThat(byName).contains("localhost");
    Config elsewhere =
        new ConfigBuilder(config).withMasterUrl(byName).withRequestRetryBackoffLimit(0).build();
    try (KubernetesClient client = client(elsewhere)) {
      assertThatThrownBy(() -> client.namespaces().list())
          .satisfies(
              e ->
                  assertThat(causes(e))
                      .as("refused in the handshake")
                      .anyMatch(SSLHandshakeException.class::isInstance));
    }
  }

  private static java.util.List<Throwable> causes(Throwable e) {
    java.util.List<Throwable> all = new java.util.ArrayList<>();
    for (Throwable t = e; t != null && !all.contains(t); t = t.getCause()) {
      all.add(t);
    }
    return all;
  }

  private static KubernetesClient client(Config config) {
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new NativeTlsClientFactory(VERTX))
        .build();
  }
}
