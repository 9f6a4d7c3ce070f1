package io.runwarden.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on loopback standing in for an LLM batch API: GET /jobs/{id} answers
 * {"status": ...} as the test sets it, and every request's headers are recorded.
 */
public final class FakeService implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, String> states = new ConcurrentHashMap<>();
  private final List<Map<String, List<String>>> requests = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch hold;

  public FakeService() {
    this(InetAddress.getLoopbackAddress());
  }

  /**
   * Listening on every loopback address (127.0.0.2 too), for tests that must show an address is
   * refused rather than merely unreachable.
   */
  public static FakeService onEveryLoopbackAddress() {
    return new FakeService(new InetSocketAddress(0).getAddress());
  }

  private FakeService(InetAddress bind) {
    try {
      server = HttpServer.create(new InetSocketAddress(bind, 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/jobs/",
        exchange -> {
          requests.add(Map.copyOf(exchange.getRequestHeaders()));
          CountDownLatch h = hold;
          if (h != null) {
            try {
              h.await(10, TimeUnit.SECONDS); // a slow service: answers only when released
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          String id = exchange.getRequestURI().getPath().substring("/jobs/".length());
          String state = states.get(id);
          byte[] body =
              (state == null ? "{\"error\":\"unknown job\"}" : "{\"status\":\"" + state + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(state == null ? 404 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    // Answers every request with a redirect to the matching /jobs/ URL: a probe that followed it
    // would show up in requests().
    server.createContext(
        "/redirect/",
        exchange -> {
          String id = exchange.getRequestURI().getPath().substring("/redirect/".length());
          exchange.getResponseHeaders().add("Location", "/jobs/" + id);
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    // An answer that never ends: 16 KiB of JSON-looking text after another, until the client goes.
    server.createContext(
        "/endless/",
        exchange -> {
          requests.add(Map.copyOf(exchange.getRequestHeaders()));
          exchange.sendResponseHeaders(200, 0);
          byte[] chunk =
              ("{\"status\":\"" + "x".repeat(16 * 1024)).getBytes(StandardCharsets.UTF_8);
          try (var out = exchange.getResponseBody()) {
            while (!Thread.currentThread().isInterrupted()) {
              out.write(chunk);
              out.flush();
            }
          } catch (IOException clientWentAway) {
            // what the probe should do
          }
        });
    server.start();
  }

  /** A status URL whose answer never ends. */
  public String endlessUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/endless/{serviceJobId}";
  }

  /** {@link #url()} with another host, e.g. 127.0.0.2 (with {@link #onEveryLoopbackAddress()}). */
  public String urlVia(String host) {
    return "http://" + host + ":" + server.getAddress().getPort() + "/jobs/{serviceJobId}";
  }

  /** A status URL whose answer is always a 302 to {@link #url()}'s job. */
  public String redirectingUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/redirect/{serviceJobId}";
  }

  /** {@link #url()} under another host name, for allow-lists that name 127.0.0.1 only. */
  public String urlViaLocalhost() {
    return "http://localhost:" + server.getAddress().getPort() + "/jobs/{serviceJobId}";
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jobs/{serviceJobId}";
  }

  public void state(String jobId, String state) {
    states.put(jobId, state);
  }

  /** From now on requests hang until {@link #release()}. */
  public void slow() {
    hold = new CountDownLatch(1);
  }

  public void release() {
    CountDownLatch h = hold;
    hold = null;
    if (h != null) h.countDown();
  }

  public List<Map<String, List<String>>> requests() {
    return requests;
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
