package io.runwarden.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Operator SDK's reconcile metrics, per controller rather than per run.
 *
 * <p>The Quarkus extension's default tags every meter with the run's name and namespace: a
 * reconcile-duration histogram of 69 buckets for every run the operator has ever seen. The
 * benchmark (issue #8) found 13,800 series for 200 runs; with 10,000 retained runs that is hundreds
 * of thousands of series per scrape and heap the operator does not have. Per-run detail lives in
 * the run's own status, conditions and events.
 */
public class OperatorSdkMetrics {

  @Produces
  @Singleton
  Metrics operatorSdkMetrics(MeterRegistry registry) {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
