package io.runwarden.kube;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.internal.OperationSupport;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The operator's writes for every run (its status, its Kubernetes Events, its report's opening)
 * sent straight through the client's HTTP client, without Fabric8's resource DSL.
 *
 * <p>Why: the DSL builds every request's URL by joining strings through {@code java.net.URI} and
 * four regular expressions compiled on each call ({@code URLUtils.join}, several times per
 * request), and copies its operation context for each step of {@code resource(..).subresource(..)
 * .patch(..)}. In the profile of the benchmark at {@code 5e274b1} that request building was 6 % of
 * the operator's samples under status writes and 3 % under Events, more than building the bodies.
 * Here the URL is a string concatenation of parts that need no escaping (names and namespaces are
 * DNS labels and subdomains the API server has already accepted).
 *
 * <p>What stays the same: the HTTP client is the client's own, so its interceptors (the client-side
 * rate limit, token refresh) and Fabric8's retries of 429 and 5xx answers with backoff apply; the
 * request timeout is the client's; a refusal is the {@link KubernetesClientException} the DSL would
 * throw, with the API server's {@code Status} and code.
 */
public final class DirectWrites {

  /** Server-side apply's content type. */
  public static final String APPLY = "application/apply-patch+yaml";

  public static final String MERGE = "application/merge-patch+json";
  public static final String JSON = "application/json";

  private static final JsonFactory TOKENS = new JsonFactory();

  private final HttpClient http;
  private final KubernetesSerialization serialization;
  private final String root;
  private final long timeoutMillis;

  public DirectWrites(KubernetesClient client) {
    this.http = client.getHttpClient();
    this.serialization = client.getKubernetesSerialization();
    String master = client.getConfiguration().getMasterUrl();
    this.root = master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
    Integer timeout = client.getConfiguration().getRequestTimeout();
    this.timeoutMillis = timeout == null || timeout < 0 ? 0 : timeout;
  }

  /**
   * Where a namespaced kind's objects are, worked out once (Fabric8 derives a kind's plural with
   * regular expressions when the class does not name it).
   */
  public record Collection(String prefix, String plural) {

    /** The path of the collection in {@code namespace}. */
    public String in(String namespace) {
      return prefix + namespace + "/" + plural;
    }

    /** The path of one object, or of its {@code subresource} when that is not null. */
    public String object(String namespace, String name, String subresource) {
      String path = in(namespace) + "/" + name;
      return subresource == null ? path : path + "/" + subresource;
    }
  }

  /** E.g. {@code /apis/runwarden.io/v1alpha1/namespaces/<namespace>/qualificationruns}. */
  public static Collection collection(Class<? extends HasMetadata> type) {
    String group = HasMetadata.getGroup(type);
    String version = HasMetadata.getVersion(type);
    String prefix =
        group == null || group.isEmpty()
            ? "/api/" + version + "/namespaces/"
            : "/apis/" + group + "/" + version + "/namespaces/";
    return new Collection(prefix, HasMetadata.getPlural(type));
  }

  /** The query a server-side apply by {@code fieldManager} that takes over conflicts needs. */
  public static String forcedApply(String fieldManager) {
    return "?fieldManager="
        + URLEncoder.encode(fieldManager, StandardCharsets.UTF_8)
        + "&force=true";
  }

  /**
   * Sends one request; its answer is left unread (the Events' and the report's writes need nothing
   * from it).
   *
   * @param path from the API server's root, query included
   * @throws KubernetesClientException when the API server refuses the request or cannot be reached,
   *     as the DSL throws it
   */
  public void send(String method, String path, String contentType, String body) {
    exchange(request(method, path, contentType, body));
  }

  /**
   * Sends one write of an object and reads only the stored object's {@code
   * metadata.resourceVersion} from the answer, as {@link #send} otherwise.
   *
   * <p>Why: the status write's answer is the whole run, and reading it into a run (JSON, the custom
   * resource's constructor, every field) was 3.2 % of the operator's CPU in the default benchmark
   * (async-profiler, 2026-12-03), for a run the operator already holds but for its new
   * resourceVersion. The reader stops at {@code metadata.resourceVersion}: the API server writes a
   * custom resource's keys in order, so it passes {@code managedFields} but never reads {@code
   * spec} or {@code status}.
   */
  public String sendForResourceVersion(
      String method, String path, String contentType, String body) {
    HttpRequest request = request(method, path, contentType, body);
    byte[] answer = exchange(request);
    try {
      String version = resourceVersion(answer);
      if (version == null) {
        throw new IllegalStateException("the answer has no metadata.resourceVersion");
      }
      return version;
    } catch (IOException | RuntimeException e) {
      throw OperationSupport.requestException(request, e);
    }
  }

  /** {@code metadata.resourceVersion} of the object in {@code json}, or null. */
  static String resourceVersion(byte[] json) throws IOException {
    try (JsonParser p = TOKENS.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("resourceVersion".equals(name)) {
              return v == JsonToken.VALUE_STRING ? p.getText() : null;
            }
            p.skipChildren();
          }
          return null;
        }
        p.skipChildren();
      }
      return null;
    }
  }

  private HttpRequest request(String method, String path, String contentType, String body) {
    // The configuration's timeout as the resource DSL sets it; zero where RequestTimeout took it
    // over, which then puts it back for Vert.x.
    return http.newHttpRequestBuilder()
        .uri(root + path)
        .method(method, contentType, body)
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .build();
  }

  /** The answer's body, or the refusal thrown as the DSL throws it. */
  private byte[] exchange(HttpRequest request) {
    HttpResponse<byte[]> response;
    try {
      // Unbounded as the DSL's own wait: each try is bounded by the request timeout, and Fabric8's
      // retries by their backoff limit.
      response = http.sendAsync(request, byte[].class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw OperationSupport.requestException(request, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof KubernetesClientException k) {
        throw k.copyAsCause();
      }
      throw OperationSupport.requestException(request, cause, null);
    }
    if (!response.isSuccessful()) {
      throw OperationSupport.requestFailure(
          request, OperationSupport.createStatus(response, serialization));
    }
    return response.body();
  }
}
