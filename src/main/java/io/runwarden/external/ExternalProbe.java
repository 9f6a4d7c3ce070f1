package io.runwarden.external;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.api.v1alpha1.ExternalServiceSpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.config.RunwardenConfig;
import io.runwarden.lifecycle.DurationParser;
import io.runwarden.lifecycle.ExternalCheckRequest;
import io.runwarden.lifecycle.ExternalResult;
import io.runwarden.lifecycle.ExternalResult.Result;
import io.runwarden.text.UserText;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Asks the external service whether an attempt's job already finished.
 *
 * <p>A run's author chooses the URL and the operator makes the call from inside the cluster, so
 * (docs/security.md): http and https only; no redirects followed; the host must be on the
 * allow-list and every address it resolves to public ({@link ProbeTargets}), and the connection
 * goes to the address that was checked; headers only from a Secret that opts in ({@link
 * ProbeHeaders}); the answer is read up to {@link #MAX_ANSWER} bytes and the request cancelled at
 * the run's timeout; the service's own text is never repeated, only its HTTP status and, when it is
 * one of the configured values, the field's value. Blocking steps (the Secret, DNS) run on the
 * caller's thread: {@link Probes} calls this from a small executor of its own, never from a
 * reconcile.
 */
@ApplicationScoped
public class ExternalProbe {

  private static final Logger LOG = Logger.getLogger(ExternalProbe.class);
  static final List<String> COMPLETED = List.of("completed", "succeeded", "done");
  static final List<String> RUNNING =
      List.of("running", "in_progress", "queued", "pending", "validating", "finalizing");
  static final List<String> FAILED = List.of("failed", "error", "cancelled", "expired");

  /** The most of an answer ever read: a status document, not a download. */
  static final int MAX_ANSWER = 64 * 1024;

  /** Connecting takes at most this long (or the run's timeout, when shorter). */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final ProbeTargets targets;
  private final Vertx vertx;
  private final HttpClient http;

  public ExternalProbe(KubernetesClient client, RunwardenConfig config, Vertx vertx) {
    this.client = client;
    this.vertx = vertx;
    RunwardenConfig.External e = config.external();
    this.targets =
        new ProbeTargets(
            e.allowedHosts().orElse(List.of()),
            e.allowedNetworks().orElse(List.of()),
            e.deniedNetworks().orElse(List.of()));
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(false)
                .setDecompressionSupported(false)
                .setVerifyHost(true)
                .setForceSni(true)
                .setMaxHeaderSize(16 * 1024)
                .setMaxPoolSize(64));
  }

  /**
   * Asks the service. Blocks for the Secret and the DNS lookup; the HTTP exchange itself is
   * asynchronous and cancelled at {@code timeout}.
   */
  public CompletableFuture<ExternalResult> check(
      QualificationRun run, ExternalCheckRequest request, Duration timeout) {
    ExternalServiceSpec spec = run.getSpec().getExternalService();
    URI uri;
    try {
      uri = URI.create(url(spec.getStatusUrl(), run, request));
    } catch (IllegalArgumentException e) {
      return done(Result.Unreachable, "invalid status URL");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      return done(Result.Unreachable, "only http and https are allowed");
    }
    Optional<String> hostRefused = targets.hostRefused(uri);
    if (hostRefused.isPresent()) {
      return done(Result.Unreachable, hostRefused.get());
    }
    Map<String, String> headers = Map.of();
    if (spec.getSecretRef() != null) {
      ProbeHeaders.Result h = headers(run, spec.getSecretRef().getName());
      if (h.refused() != null) {
        return done(Result.Unreachable, h.refused());
      }
      headers = h.headers();
    }
    ProbeTargets.Resolved resolved = targets.resolve(uri.getHost());
    if (resolved.refused() != null) {
      return done(Result.Unreachable, resolved.refused());
    }
    return send(run, request, spec, uri, resolved.address(), headers, timeout);
  }

  private ProbeHeaders.Result headers(QualificationRun run, String secretName) {
    Secret secret;
    try {
      secret =
          client.secrets().inNamespace(run.getMetadata().getNamespace()).withName(secretName).get();
    } catch (KubernetesClientException e) {
      return new ProbeHeaders.Result(
          Map.of(),
          e.getCode() == 403
              ? "the operator may not read secret "
                  + secretName
                  + " (chart value externalService.secretAccess)"
              : "secret " + secretName + " could not be read (HTTP " + e.getCode() + ")");
    }
    if (secret == null) {
      return new ProbeHeaders.Result(Map.of(), "secret " + secretName + " not found");
    }
    return ProbeHeaders.from(secret);
  }

  private CompletableFuture<ExternalResult> send(
      QualificationRun run,
      ExternalCheckRequest request,
      ExternalServiceSpec spec,
      URI uri,
      InetAddress address,
      Map<String, String> headers,
      Duration timeout) {
    String host = ProbeTargets.normalize(uri.getHost());
    int port = ProbeTargets.port(uri);
    String target = uri.getScheme() + "://" + host + ":" + port;
    String path =
        (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(host)
            .setPort(port)
            .setSsl("https".equals(uri.getScheme()))
            .setURI(path)
            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
            .setFollowRedirects(false)
            .setConnectTimeout(Math.min(timeout.toMillis(), CONNECT_TIMEOUT.toMillis()))
            .addHeader("Accept", "application/json");
    headers.forEach(options::addHeader);

    CompletableFuture<ExternalResult> result = new CompletableFuture<>();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id -> {
              HttpClientRequest r = sent.get();
              if (result.complete(
                  new ExternalResult(
                      Result.Unreachable,
                      target + " did not answer within " + DurationParser.format(timeout)))) {
                if (r != null) r.reset(); // the connection goes, not just our interest in it
              }
            });
    http.request(options)
        .compose(
            req -> {
              sent.set(req);
              if (result.isDone()) req.reset();
              return req.send();
            })
        .onFailure(
            e ->
                result.complete(
                    new ExternalResult(
                        Result.Unreachable,
                        target + " unreachable (" + e.getClass().getSimpleName() + ")")))
        .onSuccess(
            response -> {
              Buffer body = Buffer.buffer();
              response.exceptionHandler(
                  e ->
                      result.complete(
                          new ExternalResult(
                              Result.Unreachable,
                              target
                                  + " broke off its answer ("
                                  + e.getClass().getSimpleName()
                                  + ")")));
              response.handler(
                  chunk -> {
                    if (body.length() + chunk.length() > MAX_ANSWER) {
                      if (result.complete(
                          new ExternalResult(
                              Result.Unknown, "answer is larger than " + MAX_ANSWER + " bytes"))) {
                        sent.get().reset();
                      }
                      return;
                    }
                    body.appendBuffer(chunk);
                  });
              response.endHandler(
                  v ->
                      result.complete(
                          interpret(
                              spec, response.statusCode(), body.toString(StandardCharsets.UTF_8))));
            });
    return result.whenComplete(
        (r, e) -> {
          vertx.cancelTimer(timer);
          if (r != null) {
            LOG.infof(
                "%s/%s: external check of job %s at %s: %s (%s)",
                run.getMetadata().getNamespace(),
                run.getMetadata().getName(),
                UserText.escape(request.serviceJobId()),
                target,
                r.result(),
                UserText.escape(r.message()));
          }
        });
  }

  private static CompletableFuture<ExternalResult> done(Result result, String message) {
    return CompletableFuture.completedFuture(new ExternalResult(result, message));
  }

  /** The service's answer: status code first, then the configured field's value. */
  ExternalResult interpret(ExternalServiceSpec spec, int status, String body) {
    if (status >= 300 && status < 400) {
      return new ExternalResult(Result.Unknown, "HTTP " + status + ": redirects are not followed");
    }
    if (status >= 500 || status == 429) {
      return new ExternalResult(Result.Unreachable, "HTTP " + status);
    }
    if (status >= 400) {
      return new ExternalResult(Result.Unknown, "HTTP " + status);
    }
    String field = spec.getStatusField() == null ? "status" : spec.getStatusField();
    String value;
    try {
      JsonNode node = client.getKubernetesSerialization().unmarshal(body, JsonNode.class);
      for (String part : field.split("\\.")) {
        node = node == null ? null : node.get(part);
      }
      value = node == null || node.isNull() ? null : node.asText();
    } catch (RuntimeException e) {
      return new ExternalResult(Result.Unknown, "answer is not JSON");
    }
    if (value == null) {
      return new ExternalResult(Result.Unknown, "answer has no field " + field);
    }
    // The value is repeated only when it is one of the configured ones: anything else may be
    // whatever the address answers with (a credential, an internal document) and stays unsaid.
    String v = value.toLowerCase(Locale.ROOT);
    String said = field + "=" + v;
    if (matches(spec.getCompletedValues(), COMPLETED, v))
      return new ExternalResult(Result.Completed, said);
    if (matches(spec.getRunningValues(), RUNNING, v))
      return new ExternalResult(Result.Running, said);
    if (matches(spec.getFailedValues(), FAILED, v)) return new ExternalResult(Result.Failed, said);
    return new ExternalResult(
        Result.Unknown, "field " + field + " holds none of the configured values");
  }

  private static boolean matches(List<String> configured, List<String> defaults, String value) {
    List<String> values = configured == null || configured.isEmpty() ? defaults : configured;
    return values.stream().anyMatch(x -> x.toLowerCase(Locale.ROOT).equals(value));
  }

  static String url(String template, QualificationRun run, ExternalCheckRequest request) {
    return template
        .replace("{serviceJobId}", enc(request.serviceJobId()))
        .replace("{run}", enc(run.getMetadata().getName()))
        .replace("{namespace}", enc(run.getMetadata().getNamespace()))
        .replace("{attempt}", Integer.toString(request.attempt()));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
