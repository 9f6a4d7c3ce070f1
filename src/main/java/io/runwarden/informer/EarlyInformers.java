package io.runwarden.informer;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The secondary informers the controller registered as {@link EarlyInformerEventSource}, so that
 * the operator's start can begin their lists beside the runs' list instead of after it.
 */
@ApplicationScoped
public class EarlyInformers {

  private final List<EarlyInformerEventSource<?, ?>> sources = new CopyOnWriteArrayList<>();

  /** Called when the controller prepares its event sources (at registration, before its start). */
  public <S extends EarlyInformerEventSource<?, ?>> S add(S source) {
    sources.add(source);
    return source;
  }

  /** Begins every registered informer's list now, each on its own thread. */
  public void startAll() {
    sources.forEach(EarlyInformerEventSource::startEarly);
  }
}
