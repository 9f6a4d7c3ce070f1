package io.runwarden.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * The operator's Kubernetes client never reads {@code metadata.managedFields}, the same trim
 * client-go's informers make with {@code TransformStripManagedFields}.
 *
 * <p>Nothing here uses them: status is written by server-side apply, which the API server resolves.
 * Yet Fabric8 keeps each entry's field set as a tree of maps, so with three field managers on a run
 * (its creator, its worker, the operator) they were about 70 % of the informer cache: 10,000 cached
 * runs took the heap past the chart's memory limit (issue #8's benchmark). Skipped while parsing,
 * they cost neither memory nor the CPU to build them. Applies to every object the client reads
 * (runs, attempt Jobs and pods, Events), and is never sent either: the operator writes no
 * managedFields.
 */
@Singleton
public class WithoutManagedFields implements KubernetesClientObjectMapperCustomizer {

  @JsonIgnoreProperties("managedFields")
  abstract static class Mixin {}

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.addMixIn(ObjectMeta.class, Mixin.class);
  }
}
