package io.runwarden.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A secondary informer that can begin its list before the Operator SDK gets to it.
 *
 * <p>Why: the SDK (5.2.1) starts a controller's own informer (the runs) and waits until it is
 * filled before it starts any other, and no setting changes that. With 11,000 runs the reports'
 * list only began after the runs' 28 MB had been built by the API server, sent and parsed
 * (docs/performance.md). Begun early, the lists are built and read at the same time.
 *
 * <p>Safe because the event handler is set when the controller registers its event sources, before
 * {@link #startEarly()} is called, and the SDK only marks events that arrive before the
 * controller's event processor runs; every run is reconciled once it does, reading these caches.
 * The SDK's own {@link #start()} then waits for the early start instead of starting a second
 * informer.
 */
public final class EarlyInformerEventSource<R extends HasMetadata, P extends HasMetadata>
    extends InformerEventSource<R, P> {

  private final Object lock = new Object();

  /** The one start, early or the SDK's; null until either begins. Guarded by {@link #lock}. */
  private CompletableFuture<Void> start;

  public EarlyInformerEventSource(
      InformerEventSourceConfiguration<R> configuration, EventSourceContext<P> context) {
    super(configuration, context);
  }

  /** Begins the start on a thread of its own and returns; nothing when it has begun already. */
  public void startEarly() {
    CompletableFuture<Void> begun = begin();
    if (begun != null) {
      Thread starter = new Thread(() -> startInto(begun), "runwarden-informer-" + name());
      starter.setDaemon(true);
      starter.start();
    }
  }

  /** The SDK's start: waits for the early one, or starts here when there was none. */
  @Override
  public void start() {
    CompletableFuture<Void> begun = begin();
    if (begun != null) {
      startInto(begun);
    }
    CompletableFuture<Void> current;
    synchronized (lock) {
      current = start;
    }
    try {
      current.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** The future this caller must complete, or null when another caller began the start. */
  private CompletableFuture<Void> begin() {
    synchronized (lock) {
      if (start != null) {
        return null;
      }
      start = new CompletableFuture<>();
      return start;
    }
  }

  private void startInto(CompletableFuture<Void> begun) {
    try {
      super.start();
      begun.complete(null);
    } catch (RuntimeException | Error e) {
      begun.completeExceptionally(e);
    }
  }
}
