package io.runwarden.external;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.api.v1alpha1.ExternalServiceSpec;
import io.runwarden.api.v1alpha1.QualificationRun;
import io.runwarden.config.RunwardenConfig;
import io.runwarden.lifecycle.DurationParser;
import io.runwarden.lifecycle.ExternalCheckRequest;
import io.runwarden.lifecycle.ExternalResult;
import io.runwarden.lifecycle.ExternalResult.Result;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Asks the external service whether an attempt's job already finished.
 *
 * <p>Restrictions, because a run's author chooses the URL and the operator makes the call: http and
 * https only; no redirects followed; the host must be on the operator's allow-list when one is
 * configured; the whole exchange is bounded by the run's timeout (at most 30 s), so a slow service
 * holds one reconcile thread for at most that long. Header values from the Secret are sent, never
 * recorded: messages name the Secret and the HTTP status, not what was sent.
 */
@ApplicationScoped
public class ExternalProbe {

  private static final Logger LOG = Logger.getLogger(ExternalProbe.class);
  static final List<String> COMPLETED = List.of("completed", "succeeded", "done");
  static final List<String> RUNNING =
      List.of("running", "in_progress", "queued", "pending", "validating", "finalizing");
  static final List<String> FAILED = List.of("failed", "error", "cancelled", "expired");

  private final KubernetesClient client;
  private final RunwardenConfig config;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  public ExternalProbe(KubernetesClient client, RunwardenConfig config) {
    this.client = client;
    this.config = config;
  }

  public ExternalResult check(
      QualificationRun run, ExternalCheckRequest request, Duration timeout) {
    ExternalServiceSpec spec = run.getSpec().getExternalService();
    URI uri;
    try {
      uri = URI.create(url(spec.getStatusUrl(), run, request));
    } catch (IllegalArgumentException e) {
      return new ExternalResult(Result.Unreachable, "invalid status URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      return new ExternalResult(Result.Unreachable, "only http and https are allowed");
    }
    if (!allowed(uri.getHost())) {
      return new ExternalResult(
          Result.Unreachable,
          "host " + uri.getHost() + " is not in the operator's runwarden.external.allowed-hosts");
    }
    HttpRequest.Builder req =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET();
    if (spec.getSecretRef() != null) {
      Secret secret =
          client
              .secrets()
              .inNamespace(run.getMetadata().getNamespace())
              .withName(spec.getSecretRef().getName())
              .get();
      if (secret == null) {
        return new ExternalResult(
            Result.Unreachable, "secret " + spec.getSecretRef().getName() + " not found");
      }
      headers(secret).forEach(req::header);
    }
    String target =
        uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    try {
      HttpResponse<String> response =
          http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString())
              .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      ExternalResult result = interpret(spec, response.statusCode(), response.body());
      LOG.infof(
          "%s/%s: external check of job %s at %s: %s (%s)",
          run.getMetadata().getNamespace(),
          run.getMetadata().getName(),
          request.serviceJobId(),
          target,
          result.result(),
          result.message());
      return result;
    } catch (java.util.concurrent.TimeoutException e) {
      return new ExternalResult(
          Result.Unreachable, target + " did not answer within " + DurationParser.format(timeout));
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      String why =
          cause instanceof HttpTimeoutException
              ? "did not answer within " + DurationParser.format(timeout)
              : cause instanceof IOException
                  ? "unreachable (" + cause.getClass().getSimpleName() + ")"
                  : "failed (" + cause.getClass().getSimpleName() + ")";
      return new ExternalResult(Result.Unreachable, target + " " + why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ExternalResult(Result.Unreachable, "interrupted");
    }
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
    String v = value.toLowerCase(Locale.ROOT);
    String said = field + "=" + (value.length() > 64 ? value.substring(0, 64) : value);
    if (matches(spec.getCompletedValues(), COMPLETED, v))
      return new ExternalResult(Result.Completed, said);
    if (matches(spec.getRunningValues(), RUNNING, v))
      return new ExternalResult(Result.Running, said);
    if (matches(spec.getFailedValues(), FAILED, v)) return new ExternalResult(Result.Failed, said);
    return new ExternalResult(Result.Unknown, said);
  }

  private static boolean matches(List<String> configured, List<String> defaults, String value) {
    List<String> values = configured == null || configured.isEmpty() ? defaults : configured;
    return values.stream().anyMatch(x -> x.toLowerCase(Locale.ROOT).equals(value));
  }

  private boolean allowed(String host) {
    if (host == null) return false;
    return config
        .external()
        .allowedHosts()
        .map(
            list ->
                list.stream()
                    .anyMatch(
                        a ->
                            a.startsWith("*.")
                                ? host.endsWith(a.substring(1))
                                : a.equalsIgnoreCase(host)))
        .orElse(true);
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

  private static Map<String, String> headers(Secret secret) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  out.put(
                      k,
                      new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8).strip()));
    }
    if (secret.getStringData() != null) {
      out.putAll(secret.getStringData());
    }
    return out;
  }
}
