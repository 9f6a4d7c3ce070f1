package io.runwarden.kube;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.vertx.core.Context;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A client-side limit on the operator's request rate, as client-go's clients have (a token bucket:
 * {@code qps} a second on average, up to {@code burst} at once). The API server's own priority and
 * fairness protects it from everyone; this keeps the operator from being the one that floods it:
 * after a restart with 10,000 runs every one of them reconciles at once, and a bug that writes in a
 * loop is bounded instead of multiplied by the number of runs.
 *
 * <p>A request over the limit waits on its own thread (a reconciler's, the events sender's), so a
 * run's decision waits rather than its neighbours' being dropped. Exempt: watches (long-lived, one
 * per informer), the leader-election Lease (a renewal held back by the operator's own limit would
 * hand leadership away), and requests issued on a Vert.x event-loop thread, which must never block:
 * they take their token without waiting and the next caller waits for it.
 *
 * <p>Events take their tokens from a bucket of their own ({@code api.events-qps}), as
 * kube-scheduler and kube-proxy send theirs through a client of their own (its own rate limiter):
 * when a thousand runs end at once their Events queue behind each other, not in front of the next
 * decision's status write, which with one shared bucket could wait behind them. The API server may
 * then see both rates together (by default the two buckets are the same size, as kube-scheduler
 * configures its two clients alike).
 *
 * <p>Time spent waiting is counted per bucket ({@link Bucket#throttledNanos()}) and exported as
 * {@code runwarden_api_client_throttled_seconds_total{requests="decisions"|"events"}}: a rate that
 * keeps rising means the limit is what holds the operator back. Thread-safe.
 */
public final class ClientRateLimit implements Interceptor {

  public static final String NAME = "runwarden-client-rate-limit";

  private final Bucket decisions;
  private final Bucket events;

  public ClientRateLimit(double qps, int burst, double eventsQps, int eventsBurst) {
    this(qps, burst, eventsQps, eventsBurst, System::nanoTime);
  }

  ClientRateLimit(double qps, int burst, double eventsQps, int eventsBurst, LongSupplier nanoTime) {
    this.decisions = new Bucket(qps, burst, nanoTime);
    this.events = new Bucket(eventsQps, eventsBurst, nanoTime);
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    Bucket bucket = bucketFor(request.uri().getRawPath(), request.uri().getRawQuery());
    if (bucket == null) return;
    long wait = bucket.take();
    if (wait > 0 && !Context.isOnEventLoopThread()) {
      LockSupport.parkNanos(wait);
    }
  }

  /** The bucket a request takes its token from; null for a request that is not limited. */
  Bucket bucketFor(String path, String query) {
    if (exempt(path, query)) return null;
    return isEvent(path) ? events : decisions;
  }

  static boolean exempt(String path, String query) {
    return (query != null && (query.startsWith("watch=") || query.contains("&watch=")))
        || path.startsWith("/apis/coordination.k8s.io/");
  }

  /** core/v1 Events of a namespace (a create, or a series' count patch), or events.k8s.io's. */
  static boolean isEvent(String path) {
    if (path.startsWith("/apis/events.k8s.io/")) return true;
    if (!path.startsWith("/api/v1/namespaces/")) return false;
    String[] parts = path.substring("/api/v1/namespaces/".length()).split("/", -1);
    return parts.length >= 2 && parts.length <= 3 && parts[1].equals("events");
  }

  /** The operator's requests but Events: its decisions' status writes, reads, reports, Jobs. */
  public Bucket decisions() {
    return decisions;
  }

  /** Events, with their own bucket so that a burst of them never holds back a decision. */
  public Bucket events() {
    return events;
  }

  /** A token bucket: {@code qps} a second on average, up to {@code burst} at once. Thread-safe. */
  public static final class Bucket {

    private final double perNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final AtomicLong throttledNanos = new AtomicLong();
    private final AtomicLong throttledRequests = new AtomicLong();

    /** Tokens at {@link #updatedNanos}; negative when requests are waiting for tokens to come. */
    private double tokens;

    private long updatedNanos;

    Bucket(double qps, int burst, LongSupplier nanoTime) {
      if (qps <= 0 || burst < 1) {
        throw new IllegalArgumentException("qps must be > 0 and burst >= 1");
      }
      this.perNano = qps / TimeUnit.SECONDS.toNanos(1);
      this.burst = burst;
      this.nanoTime = nanoTime;
      this.tokens = burst;
      this.updatedNanos = nanoTime.getAsLong();
    }

    /** {@link #reserve()}, counting the wait if there is one. */
    long take() {
      long wait = reserve();
      if (wait > 0) {
        throttledRequests.incrementAndGet();
        throttledNanos.addAndGet(wait);
      }
      return wait;
    }

    /**
     * Takes a token now and returns how long to wait until it is due (0 when one was there): the
     * bucket may go below zero, so callers queue in the order they came, each {@code 1/qps} apart.
     */
    synchronized long reserve() {
      long now = nanoTime.getAsLong();
      tokens = Math.min(burst, tokens + (now - updatedNanos) * perNano);
      updatedNanos = now;
      tokens -= 1;
      return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    }

    /** Nanoseconds requests were held back, in total. */
    public long throttledNanos() {
      return throttledNanos.get();
    }

    /** Requests that had to wait, in total. */
    public long throttledRequests() {
      return throttledRequests.get();
    }
  }
}
