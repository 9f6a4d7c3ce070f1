package io.runwarden.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/**
 * The startup probe: up once the operator's start has returned ({@link OperatorStart}). Until then
 * the kubelet asks neither liveness nor readiness, and a start that outlasts the probe's budget
 * (the chart's startupProbe) restarts the pod.
 */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {

  private final OperatorStart start;

  public StartedCheck(OperatorStart start) {
    this.start = start;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("runwarden operator started").status(start.started()).build();
  }
}
