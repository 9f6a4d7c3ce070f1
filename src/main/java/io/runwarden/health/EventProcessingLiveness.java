package io.runwarden.health;

import io.javaoperatorsdk.operator.Operator;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: the operator's event processing is running. Down only when it has stopped after
 * starting, which a restart fixes; user runs (stuck, failing, invalid) never affect it, and a
 * standby replica waiting for the leader lease is alive too, and so is one still filling its
 * caches. Readiness (informers filled, event sources healthy) is {@link InformersReadiness}.
 */
@Liveness
@ApplicationScoped
public class EventProcessingLiveness implements HealthCheck {

  private final Operator operator;
  private final OperatorStart start;

  public EventProcessingLiveness(Operator operator, OperatorStart start) {
    this.operator = operator;
    this.start = start;
  }

  @Override
  public HealthCheckResponse call() {
    // While the start is in progress the Operator SDK's RuntimeInfo blocks (OperatorStart): a
    // process still filling its caches is alive.
    boolean running = start.started() && operator.getRuntimeInfo().isStarted();
    return HealthCheckResponse.named("runwarden event processing")
        .status(running || !start.started())
        .withData("started", running)
        .build();
  }
}
