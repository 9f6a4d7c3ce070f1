package io.runwarden.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy in front of the test API server that hands the server's bytes to the client {@code
 * lag} late, as a saturated API server's watch runs behind: an operator behind it sees every change
 * late, while what it reads is still as of when it asked. With {@link #slowServer} the client's
 * bytes reach the server {@code lag} late too: every request, writes included, is accepted late, as
 * by an API server whose queues are full. TLS passes through untouched.
 */
public final class LaggingProxy implements AutoCloseable {

  private record Chunk(byte[] bytes, long dueNanos) {}

  private final ServerSocket server;
  private final int targetPort;
  private final long lagNanos;
  private final boolean requestsToo;
  private volatile long heldUntilNanos = System.nanoTime();

  public LaggingProxy(int targetPort, Duration lag) {
    this(targetPort, lag, false);
  }

  /**
   * Both ways {@code lag} late: a request reaches the server late and its answer comes back late.
   */
  public static LaggingProxy slowServer(int targetPort, Duration lag) {
    return new LaggingProxy(targetPort, lag, true);
  }

  private LaggingProxy(int targetPort, Duration lag, boolean requestsToo) {
    this.targetPort = targetPort;
    this.lagNanos = lag.toNanos();
    this.requestsToo = requestsToo;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon("lagging-proxy-accept", this::accept);
  }

  /**
   * For {@code outage}, no byte passes either way; then everything held goes on, in order. To the
   * clients behind this proxy the API server stops answering for that long, as a saturated one does
   * for a flow it queues. Only for a proxy made with {@link #slowServer} (requests are held too).
   */
  public void holdFor(Duration outage) {
    if (!requestsToo) throw new IllegalStateException("requests are not delayed by this proxy");
    heldUntilNanos = System.nanoTime() + outage.toNanos();
  }

  /** A copy of {@code kubeconfig} whose server is this proxy. */
  public Path kubeconfig(Path kubeconfig) {
    try {
      String yaml = Files.readString(kubeconfig);
      Matcher m = Pattern.compile("(server: https://[^:\\s]+:)" + targetPort).matcher(yaml);
      if (!m.find()) throw new IllegalStateException("no server on port " + targetPort);
      Path copy = kubeconfig.resolveSibling("kubeconfig-lagging-" + server.getLocalPort());
      Files.writeString(copy, m.replaceAll("$1" + server.getLocalPort()));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API server's port in a kubeconfig written by the test cluster. */
  public static int serverPort(Path kubeconfig) {
    try {
      Matcher m =
          Pattern.compile("server: https://[^:\\s]+:(\\d+)").matcher(Files.readString(kubeconfig));
      if (!m.find()) throw new IllegalStateException("no server in " + kubeconfig);
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        if (requestsToo) {
          lagged(client, upstream);
        } else {
          daemon("lagging-proxy-up", () -> pump(client, upstream));
        }
        lagged(upstream, client);
      } catch (IOException e) {
        if (!server.isClosed()) throw new UncheckedIOException(e);
      }
    }
  }

  /** From one side to the other, {@code lag} late. */
  private void lagged(Socket from, Socket to) {
    BlockingQueue<Chunk> late = new LinkedBlockingQueue<>();
    daemon("lagging-proxy-read", () -> readInto(from, late, to));
    daemon("lagging-proxy-deliver", () -> deliver(late, to, from));
  }

  /** Client to server: at once. */
  private static void pump(Socket from, Socket to) {
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      in.transferTo(out);
    } catch (IOException e) {
      // one side closed: close both
    } finally {
      closeQuietly(from, to);
    }
  }

  /** Stamped when read, delivered {@code lag} later. */
  private void readInto(Socket upstream, BlockingQueue<Chunk> late, Socket client) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = upstream.getInputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        late.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + lagNanos));
      }
    } catch (IOException e) {
      // closed
    } finally {
      late.add(new Chunk(null, System.nanoTime() + lagNanos));
    }
  }

  private void deliver(BlockingQueue<Chunk> late, Socket client, Socket upstream) {
    try (OutputStream out = client.getOutputStream()) {
      while (true) {
        Chunk c = late.take();
        long wait;
        while ((wait = c.dueNanos() - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait); // the lag itself, not a test's synchronisation
        }
        while ((wait = heldUntilNanos - System.nanoTime()) > 0) {
          LockSupport.parkNanos(wait); // the outage itself, not a test's synchronisation
        }
        if (c.bytes() == null) return;
        out.write(c.bytes());
        out.flush();
      }
    } catch (IOException e) {
      // client gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client, upstream);
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket... sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
