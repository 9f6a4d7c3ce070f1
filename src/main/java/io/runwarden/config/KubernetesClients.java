package io.runwarden.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.runwarden.kube.ChaCha20First;
import io.runwarden.kube.ClientRateLimit;
import io.runwarden.kube.FirstListFromCache;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The operator's Kubernetes client: Quarkus' own (its configuration, object mapper and Vert.x),
 * with a client-side rate limit ({@link ClientRateLimit}), the informers' first lists served from
 * the API server's watch cache ({@link FirstListFromCache}) and ChaCha20 offered first in its TLS
 * ({@link ChaCha20First}).
 */
@ApplicationScoped
public class KubernetesClients {

  @Produces
  @Singleton
  KubernetesClient kubernetesClient(
      KubernetesSerialization serialization,
      Config config,
      RunwardenConfig runwarden,
      MeterRegistry registry,
      Vertx vertx) {
    ClientRateLimit limit = new ClientRateLimit(runwarden.api().qps(), runwarden.api().burst());
    FunctionCounter.builder(
            "runwarden_api_client_throttled_seconds_total", limit, l -> l.throttledNanos() / 1e9)
        .description("Time the operator's requests waited for its client-side rate limit")
        .register(registry);
    FunctionCounter.builder(
            "runwarden_api_client_throttled_requests_total",
            limit,
            ClientRateLimit::throttledRequests)
        .description("Requests that waited for the client-side rate limit")
        .register(registry);
    KubernetesClientBuilder builder = new KubernetesClientBuilder();
    if (runwarden.api().chacha20First()) {
      builder.withHttpClientFactory(new ChaCha20Factory(vertx));
    }
    return builder
        .withKubernetesSerialization(serialization)
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            b ->
                b.addOrReplaceInterceptor(ClientRateLimit.NAME, limit)
                    .addOrReplaceInterceptor(FirstListFromCache.NAME, new FirstListFromCache()))
        .build();
  }

  void close(@Disposes KubernetesClient client) {
    client.close();
  }

  /**
   * Fabric8's Vert.x client on Quarkus' Vert.x (as Quarkus' own factory does), its SSLContext
   * wrapped as soon as Fabric8 builds it from the kubeconfig's certificates. Derived clients (the
   * informers' watches) copy the wrapped context.
   */
  static final class ChaCha20Factory extends VertxHttpClientFactory {
    private final Vertx vertx;

    /** The last context wrapped, for a test to read the sessions it negotiated. */
    private volatile SSLContext wrapped;

    ChaCha20Factory(Vertx vertx) {
      super(vertx);
      this.vertx = vertx;
    }

    @Override
    public VertxHttpClientBuilder<VertxHttpClientFactory> newBuilder() {
      return new VertxHttpClientBuilder<>(this, vertx) {
        @Override
        public VertxHttpClientBuilder<VertxHttpClientFactory> sslContext(
            KeyManager[] keyManagers, TrustManager[] trustManagers) {
          super.sslContext(keyManagers, trustManagers);
          this.sslContext = ChaCha20First.wrap(this.sslContext);
          wrapped = this.sslContext;
          return this;
        }
      };
    }

    SSLContext sslContext() {
      return wrapped;
    }
  }
}
