package io.runwarden.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this operator instance reconciles: it holds the leader lease, or leader election is off
 * (it is then the only one). Served as {@code runwarden_leader}, so an alert can say that no
 * instance leads while all of them are up.
 */
@ApplicationScoped
public class Leadership {

  private final AtomicBoolean electing = new AtomicBoolean(false);
  private final AtomicBoolean leading = new AtomicBoolean(false);

  /** Leader election is configured: this instance leads only once it holds the lease. */
  public void electing() {
    electing.set(true);
  }

  public void started() {
    leading.set(true);
  }

  public void stopped() {
    leading.set(false);
  }

  public boolean leads() {
    return !electing.get() || leading.get();
  }
}
