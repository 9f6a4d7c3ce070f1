package io.runwarden.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.runwarden.execution.PodTemplatePolicy;
import io.runwarden.execution.PodTemplates;
import io.runwarden.lifecycle.Lifecycle;
import io.runwarden.lifecycle.LifecycleDefaults;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the pure core to the operator's config and to the one real clock. */
@ApplicationScoped
public class CoreProducers {

  /** The only wall clock in the operator; tests of the core pass instants instead. */
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  Lifecycle lifecycle(RunwardenConfig config) {
    RunwardenConfig.Defaults d = config.defaults();
    return new Lifecycle(
        new LifecycleDefaults(
            d.runTimeout(),
            d.attemptTimeout(),
            d.startTimeout(),
            d.heartbeatTimeout(),
            d.progressTimeout(),
            d.maxRetries(),
            d.backoffInitial(),
            d.backoffFactor(),
            d.backoffMax(),
            config.historyLimit(),
            config.progressRefresh(),
            config.maxDuration()),
        config.operatorNamespace());
  }

  @Produces
  @Singleton
  PodTemplates podTemplates(KubernetesClient client, RunwardenConfig config) {
    return new PodTemplates(client, config.job().inlineTemplates());
  }

  @Produces
  @Singleton
  PodTemplatePolicy podTemplatePolicy(RunwardenConfig config) {
    return new PodTemplatePolicy(
        config.job().podPolicy(),
        java.util.Set.copyOf(config.job().allowedServiceAccounts().orElse(java.util.List.of())),
        config.operatorServiceAccount());
  }
}
