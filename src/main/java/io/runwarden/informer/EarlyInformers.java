package io.runwarden.informer;

import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * The controller's informers (the runs', the reports', attempt Jobs' and pods'), started all at
 * once instead of the runs' first and the others after it.
 *
 * <p>Why: the Operator SDK (5.2.1) starts a controller's own informer first and its other event
 * sources only once that one has listed every run. With 11,000 runs the reports' list (12 MB) was
 * sent only after the runs' (28 MB) had been built by the API server and parsed here, about 2 s of
 * a 10 s restart spent one after the other (docs/performance.md). Sent together, the API server
 * builds both answers at once and the operator parses one while it waits for the other.
 *
 * <p>How: each informer's {@code start()} is called on its own thread as the operator starts. The
 * SDK's own call, which follows, waits for it (the start is synchronized) and then finds it running
 * and returns, so the SDK still waits for every informer before it reconciles. An early start that
 * fails leaves the informer stopped, and the SDK's own start tries it again and fails the
 * operator's start as before. Events the early informers deliver before the controller runs are
 * handled as the SDK handles any event that arrives before it starts reconciling.
 */
@ApplicationScoped
public class EarlyInformers {

  private static final Logger LOG = Logger.getLogger(EarlyInformers.class);

  private final List<EventSource<?, ?>> informers = new CopyOnWriteArrayList<>();

  /**
   * Called by the controller when it prepares its event sources (public because the controller sits
   * above this package; nothing else calls it). Only informers: the other event sources start in
   * the SDK's order.
   */
  public void add(EventSource<?, ?> informer) {
    informers.add(informer);
  }

  /** Starts each informer on a thread of its own; returns at once. */
  public void startEach() {
    for (EventSource<?, ?> informer : informers) {
      Thread starter = new Thread(() -> start(informer), "runwarden-early-" + informer.name());
      starter.setDaemon(true);
      starter.start();
    }
  }

  private static void start(EventSource<?, ?> informer) {
    try {
      informer.start();
    } catch (RuntimeException e) {
      // The SDK's own start of the same informer follows and reports what went wrong.
      LOG.debugf(e, "Early start of %s failed; the SDK's own start tries again", informer.name());
    }
  }
}
