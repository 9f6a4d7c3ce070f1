package io.runwarden.kube;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * An informer's first list is served from the API server's watch cache ({@code resourceVersion=0}),
 * as client-go's reflector does; later lists of the same collection (a relist after an expired
 * watch) stay consistent, paged reads from etcd.
 *
 * <p>Why: Fabric8's informers always list without a resourceVersion, so with pages of 500 the
 * start-up list of 11,000 runs was 22 round trips through etcd, one after the other, and the
 * reports' 22 more after them (JOSDK starts the runs' informer before the others): 24 s to ready on
 * a 2-core machine. From the watch cache it is one response per collection, served from the API
 * server's memory (it ignores the page size then). The data may be a moment older than etcd's,
 * which a start-up can afford: the watch that follows starts from the list's resourceVersion and
 * brings every later change, and every decision that cannot be undone re-reads the run first.
 *
 * <p>A relist after an expired watch ("410 Gone") is different: the watch cache has moved past what
 * the informer knew, and on a saturated server the one big answer outlasted the client's request
 * timeout (the reason for pages). So only the first list of each collection (path and selectors) is
 * rewritten; a continued page or a later list is left alone. Thread-safe.
 */
public final class FirstListFromCache implements Interceptor {

  public static final String NAME = "runwarden-first-list-from-cache";

  private final Set<String> listed = ConcurrentHashMap.newKeySet();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    URI rewritten = rewrite(request.method(), request.uri());
    if (rewritten != null) builder.uri(rewritten);
  }

  /** The URI to send instead, or null to send the request as it is. */
  URI rewrite(String method, URI uri) {
    if (!"GET".equals(method)) return null;
    String query = uri.getRawQuery();
    if (query == null) return null;
    Set<String> params = Arrays.stream(query.split("&")).collect(Collectors.toSet());
    // Only an informer's list: paged (limit), not a watch, not a continued page, no version asked.
    boolean paged = params.stream().anyMatch(p -> p.startsWith("limit="));
    boolean other =
        params.stream()
            .anyMatch(
                p ->
                    p.startsWith("watch=")
                        || p.startsWith("continue=")
                        || p.startsWith("resourceVersion=")
                        || p.startsWith("resourceVersionMatch="));
    if (!paged || other) return null;
    String collection =
        uri.getRawPath()
            + "?"
            + params.stream()
                .filter(p -> !p.startsWith("limit="))
                .sorted()
                .collect(Collectors.joining("&"));
    if (!listed.add(collection)) return null;
    return URI.create(
        uri.getScheme()
            + "://"
            + uri.getRawAuthority()
            + uri.getRawPath()
            + "?"
            + query
            + "&resourceVersion=0");
  }
}
