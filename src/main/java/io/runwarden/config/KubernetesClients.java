package io.runwarden.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapper;
import io.quarkus.kubernetes.client.KubernetesResources;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.api.v1alpha1.QualificationRunReport;
import io.runwarden.kube.ClientRateLimit;
import io.runwarden.kube.FirstListFromCache;
import io.runwarden.kube.NativeTls;
import io.runwarden.kube.NativeTlsClientFactory;
import io.runwarden.kube.RequestTimeout;
import io.runwarden.kube.TokenRefreshEveryMinute;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The operator's Kubernetes client: Quarkus' own (its configuration and object mapper), with a
 * client-side rate limit ({@link ClientRateLimit}) and the informers' first lists served from the
 * API server's watch cache ({@link FirstListFromCache}), and its TLS done by BoringSSL ({@link
 * NativeTls}) unless {@code runwarden.api.native-tls=false}. A client without a token does not
 * re-read its kubeconfig on every request ({@link TokenRefreshEveryMinute}), and each request is
 * bounded by one timer, not two ({@link RequestTimeout}).
 */
@ApplicationScoped
public class KubernetesClients {

  private static final Logger LOG = Logger.getLogger(KubernetesClients.class);

  @Produces
  @Singleton
  KubernetesClient kubernetesClient(
      KubernetesSerialization serialization,
      Config config,
      RunwardenConfig runwarden,
      MeterRegistry registry,
      Vertx vertx) {
    ClientRateLimit limit =
        new ClientRateLimit(
            runwarden.api().qps(),
            runwarden.api().burst(),
            runwarden.api().eventsQps().orElse(runwarden.api().qps()),
            runwarden.api().eventsBurst().orElse(runwarden.api().burst()));
    throttledMetrics(registry, "decisions", limit.decisions());
    throttledMetrics(registry, "events", limit.events());
    HttpClient.Factory factory =
        httpClientFactory(
            runwarden.api().nativeTls(),
            NativeTls.available() ? Optional.empty() : Optional.of(NativeTls.unavailableBecause()),
            vertx);
    // Before the client is built, which may keep a copy of the configuration's request settings.
    RequestTimeout timeout = RequestTimeout.takenFrom(config);
    return new KubernetesClientBuilder()
        .withHttpClientFactory(factory)
        .withKubernetesSerialization(serialization)
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            b -> {
              b.addOrReplaceInterceptor(ClientRateLimit.NAME, limit)
                  .addOrReplaceInterceptor(FirstListFromCache.NAME, new FirstListFromCache());
              b.addOrReplaceInterceptor(
                  TokenRefreshInterceptor.NAME, new TokenRefreshEveryMinute(config, factory));
              if (timeout != null) {
                b.addOrReplaceInterceptor(RequestTimeout.NAME, timeout);
              }
            })
        .build();
  }

  private static void throttledMetrics(
      MeterRegistry registry, String requests, ClientRateLimit.Bucket bucket) {
    FunctionCounter.builder(
            "runwarden_api_client_throttled_seconds_total", bucket, b -> b.throttledNanos() / 1e9)
        .description("Time the operator's requests waited for its client-side rate limit")
        .tag("requests", requests)
        .register(registry);
    FunctionCounter.builder(
            "runwarden_api_client_throttled_requests_total",
            bucket,
            ClientRateLimit.Bucket::throttledRequests)
        .description("Requests that waited for the client-side rate limit")
        .tag("requests", requests)
        .register(registry);
  }

  /**
   * The client's JSON reader and writer: Quarkus' own (its object mapper, the resource classes it
   * found), which this replaces (it is a default bean) for two reasons.
   *
   * <p>It is told which classes our kinds are ({@link #registerKinds}), and its copies of objects
   * go through a token buffer instead of a JSON string ({@link BufferCopies}). Its readers for the
   * kinds the operator lists are built at once, off the event loops ({@link ReaderWarmUp}).
   */
  @Produces
  @Singleton
  @SuppressWarnings({"rawtypes", "unchecked"}) // as Quarkus' own producer registers them
  KubernetesSerialization kubernetesSerialization(
      @KubernetesClientObjectMapper ObjectMapper mapper, @KubernetesResources Class[] resources) {
    KubernetesSerialization serialization = new BufferCopies(mapper);
    for (Class resource : resources) {
      serialization.registerKubernetesResource(resource);
    }
    registerKinds(serialization);
    ReaderWarmUp.startIn(serialization);
    return serialization;
  }

  /**
   * Tells the client's JSON reader which classes our kinds are, so that a watch event's object is
   * read straight into a {@link QualificationRun} or {@link QualificationRunReport}.
   *
   * <p>Why: a watch event names its object's kind, and Fabric8 reads a kind it was not told about
   * as a {@code GenericKubernetesResource} (maps of maps) and then converts that to the informer's
   * class, a second pass through Jackson for every event the runs' and the reports' informers
   * receive (in the 2026-12-03 profile watch events were 9.3 % of the operator's CPU, that
   * conversion 3.1 %, besides the generic form's own cost; docs/performance.md). Lists and typed
   * reads were never affected: they name the class themselves.
   */
  static void registerKinds(KubernetesSerialization serialization) {
    serialization.registerKubernetesResource(QualificationRun.class);
    serialization.registerKubernetesResource(QualificationRunReport.class);
  }

  /**
   * Copies objects through Jackson's token buffer rather than a JSON string. The Operator SDK
   * copies every run it hands a reconcile ({@code ConfigurationService#getResourceCloner}: this
   * serialization's {@code clone}), and Fabric8 does it by writing the run as JSON text and parsing
   * that text back: 7.1 % of the operator's CPU in the 2026-12-03 profile. The token buffer keeps
   * the same tokens without encoding characters or parsing them again; the copy is the same (the
   * same serializers and deserializers run, {@code KubernetesClientsTest}).
   */
  public static final class BufferCopies extends KubernetesSerialization {

    private final ObjectMapper mapper;

    BufferCopies(ObjectMapper mapper) {
      super(mapper, false);
      this.mapper = mapper;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T clone(T resource) {
      try {
        TokenBuffer buffer = new TokenBuffer(mapper, false);
        mapper.writeValue(buffer, resource);
        try (JsonParser parser = buffer.asParser()) {
          return (T) mapper.readValue(parser, resource.getClass());
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Fabric8's Vert.x client on Quarkus' Vert.x; with BoringSSL for its TLS where it is wanted and
   * loads.
   *
   * @param unavailable why BoringSSL did not load, if it did not
   */
  public static HttpClient.Factory httpClientFactory(
      boolean nativeTls, Optional<String> unavailable, Vertx vertx) {
    if (!nativeTls) {
      LOG.info("TLS to the API server: the JDK's (runwarden.api.native-tls=false)");
      return HttpClientUtils.getHttpClientFactory();
    }
    if (unavailable.isPresent()) {
      LOG.infof("TLS to the API server: the JDK's (BoringSSL did not load: %s)", unavailable.get());
      return HttpClientUtils.getHttpClientFactory();
    }
    LOG.info("TLS to the API server: BoringSSL");
    return new NativeTlsClientFactory(vertx);
  }

  void close(@Disposes KubernetesClient client) {
    client.close();
  }
}
