package io.runwarden.config;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.runwarden.kube.FirstListFromCache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator's Kubernetes client: Quarkus' own (its configuration and object mapper), with the
 * informers' first lists served from the API server's watch cache ({@link FirstListFromCache}).
 */
@ApplicationScoped
public class KubernetesClients {

  @Produces
  @Singleton
  KubernetesClient kubernetesClient(KubernetesSerialization serialization, Config config) {
    return new KubernetesClientBuilder()
        .withKubernetesSerialization(serialization)
        .withConfig(config)
        .withHttpClientBuilderConsumer(
            b -> b.addOrReplaceInterceptor(FirstListFromCache.NAME, new FirstListFromCache()))
        .build();
  }

  void close(@Disposes KubernetesClient client) {
    client.close();
  }
}
