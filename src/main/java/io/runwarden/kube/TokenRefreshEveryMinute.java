package io.runwarden.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Fabric8's {@link TokenRefreshInterceptor}, asked at most once a minute while the client has no
 * token.
 *
 * <p>Why: Fabric8 7.4's interceptor means to refresh once a minute, but it only records a refresh
 * that found a token. A client that authenticates with a certificate has none to find, so every
 * request re-read and re-parsed the kubeconfig (YAML): 7.5 % of the operator's CPU in the default
 * benchmark, whose operator uses the test cluster's certificate kubeconfig as a developer's machine
 * would (docs/performance.md). While there is a token (a pod's service account, an exec plugin's)
 * every request goes through Fabric8's interceptor as before, so a rotated token is picked up as
 * Fabric8 does it; without one, a token that appears later (an exec plugin that failed at start) is
 * still looked for every minute, and a 401 still asks at once.
 */
public final class TokenRefreshEveryMinute implements Interceptor {

  static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Config config;
  private final Interceptor fabric8;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private long lastTry;
  private boolean tried;

  public TokenRefreshEveryMinute(Config config, HttpClient.Factory factory) {
    this(config, new TokenRefreshInterceptor(config, factory, Instant.now()), System::nanoTime);
  }

  TokenRefreshEveryMinute(Config config, Interceptor fabric8, LongSupplier nanoTime) {
    this.config = config;
    this.fabric8 = fabric8;
    this.nanoTime = nanoTime;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (hasToken(config) || due()) {
      fabric8.before(builder, request, tags);
    }
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(
      BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
    return fabric8.afterFailure(builder, response, tags);
  }

  private boolean due() {
    long now = nanoTime.getAsLong();
    synchronized (lock) {
      if (tried && now - lastTry < INTERVAL_NANOS) {
        return false;
      }
      tried = true;
      lastTry = now;
      return true;
    }
  }

  /** Whether the configuration carries a token, a token source or a password. */
  static boolean hasToken(Config config) {
    return !blank(config.getOauthToken())
        || !blank(config.getAutoOAuthToken())
        || config.getOauthTokenProvider() != null
        || config.getAuthProvider() != null
        || !blank(config.getUsername());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
