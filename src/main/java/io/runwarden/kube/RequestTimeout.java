package io.runwarden.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The client's request timeout, bounded by the HTTP client (Vert.x) alone.
 *
 * <p>Why: Fabric8 7.4 bounds each request twice with the one configured timeout. Vert.x gets it
 * from the request ({@code RequestOptions.setTimeout}: fails the request when no answer comes for
 * that long), and Fabric8 adds a timer of its own around each try ({@code AsyncUtils.withTimeout}:
 * the timeout plus as much again, at most 5 s more), which it cancels when the answer comes. The
 * cancel goes through {@code CompletableFuture.cancel}, which builds a {@code
 * CancellationException} with its stack trace for every request: 1.6 % of the operator's CPU with
 * the exception that carries it on, in the default benchmark's profile of 2026-12-04
 * (docs/performance.md). Vert.x's bound is the shorter of the two, so the second timer decides
 * nothing that the first has not already decided.
 *
 * <p>Fabric8 leaves its timer out when a request's timeout is zero as the request is made, and runs
 * the interceptors after that point. So the client's configuration carries zero ({@link
 * #takenFrom}) and this puts the configured timeout back on each request that carries zero (every
 * call of the resource DSL, {@link DirectWrites}, a watch's websocket connect) before Vert.x sends
 * it. A request that carries no timeout at all (an HTTP watch's stream) is left without one, as
 * Fabric8 leaves it.
 */
public final class RequestTimeout implements Interceptor {

  public static final String NAME = "runwarden-request-timeout";

  private final long millis;

  RequestTimeout(long millis) {
    this.millis = millis;
  }

  /**
   * The timeout {@code config} names, moved here: {@code config} keeps zero. Null when it names
   * none (zero or less), and then {@code config} is left as it is.
   */
  public static RequestTimeout takenFrom(Config config) {
    Integer millis = config.getRequestTimeout();
    if (millis == null || millis <= 0) {
      return null;
    }
    config.setRequestTimeout(0);
    return new RequestTimeout(millis);
  }

  /** The timeout put on each request. */
  public Duration timeout() {
    return Duration.ofMillis(millis);
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (!(request instanceof StandardHttpRequest sent)
        || sent.getTimeout() == null
        || !sent.getTimeout().isZero()) {
      return;
    }
    if (builder instanceof HttpRequest.Builder http) {
      http.timeout(millis, TimeUnit.MILLISECONDS);
    } else if (builder instanceof WebSocket.Builder socket) {
      socket.connectTimeout(millis, TimeUnit.MILLISECONDS);
    }
  }
}
