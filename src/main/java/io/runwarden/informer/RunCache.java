package io.runwarden.informer;

import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.runwarden.api.v1alpha1.QualificationRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The controller's informer cache of runs, for readers outside a reconcile: the per-phase gauges
 * and the garbage collector's sweep. Reading it costs the API server nothing and holds no second
 * copy of the runs; a list of 10,000 runs is 31 MB of JSON to send and about 60 MB of objects to
 * hold beside the cache.
 */
@ApplicationScoped
public class RunCache {

  private final AtomicReference<IndexedResourceCache<QualificationRun>> cache =
      new AtomicReference<>();

  /**
   * Called by the controller when it prepares its event sources, before its informer starts (public
   * because the controller sits above this package; nothing else calls it).
   */
  public void set(IndexedResourceCache<QualificationRun> primaryCache) {
    cache.set(primaryCache);
  }

  /**
   * Every run the informer holds, as it last saw them; none before the controller is registered, or
   * while this replica is not the leader and its informer has not started. The runs are the
   * informer's own instances: read them, never change them.
   */
  public Stream<QualificationRun> runs() {
    IndexedResourceCache<QualificationRun> c = cache.get();
    return c == null ? Stream.empty() : c.list();
  }
}
