package io.runwarden.health;

import io.javaoperatorsdk.operator.Operator;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the operator's event processing is running. Down only when it has stopped after
 * starting, which a restart fixes; user runs (stuck, failing, invalid) never affect it, and a
 * standby replica waiting for the leader lease is alive too. Readiness (informers synced, event
 * sources healthy) is the Operator SDK extension's check.
 */
@Liveness
@ApplicationScoped
public class EventProcessingLiveness implements HealthCheck {

  private final Operator operator;
  private volatile boolean started;

  public EventProcessingLiveness(Operator operator) {
    this.operator = operator;
  }

  @Override
  public HealthCheckResponse call() {
    boolean running = operator.getRuntimeInfo().isStarted();
    started |= running;
    return HealthCheckResponse.named("runwarden event processing")
        .status(running || !started)
        .withData("started", running)
        .build();
  }
}
