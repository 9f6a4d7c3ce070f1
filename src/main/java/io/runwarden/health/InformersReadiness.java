package io.runwarden.health;

import io.javaoperatorsdk.operator.Operator;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the operator has started (its informers are filled) and every event source of every
 * controller is healthy. The Operator SDK extension's own check says the same, but asks the SDK's
 * RuntimeInfo even while the start is in progress, and that blocks until the start ends ({@link
 * OperatorStart}): a kubelet's probe timed out instead of reading "not yet". That check is switched
 * off in application.properties; this one answers at once.
 */
@Readiness
@ApplicationScoped
public class InformersReadiness implements HealthCheck {

  private final Operator operator;
  private final OperatorStart start;

  public InformersReadiness(Operator operator, OperatorStart start) {
    this.operator = operator;
    this.start = start;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("runwarden informers");
    if (!start.started()) {
      return response.down().withData("started", false).build();
    }
    boolean healthy = true;
    for (var controller : operator.getRuntimeInfo().getRegisteredControllers()) {
      var unhealthy = controller.getControllerHealthInfo().unhealthyEventSources();
      String name = controller.getConfiguration().getName();
      if (unhealthy.isEmpty()) {
        response.withData(name, "OK");
      } else {
        healthy = false;
        response.withData(name, "unhealthy: " + String.join(", ", unhealthy.keySet()));
      }
    }
    return response.status(healthy).build();
  }
}
