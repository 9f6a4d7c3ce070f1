package io.runwarden.kube;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;

/**
 * Deletes exactly the object that was looked at: a UID precondition, so an object re-created under
 * the same name meanwhile survives (Fabric8's DSL has no preconditions).
 */
public final class UidDelete {

  private UidDelete() {}

  /**
   * @return whether it was deleted (false: gone already, or another object by now)
   */
  public static boolean delete(KubernetesClient client, HasMetadata object, String plural) {
    String group = object.getApiVersion().contains("/") ? "/apis/" : "/api/";
    String path =
        group
            + object.getApiVersion()
            + "/namespaces/"
            + object.getMetadata().getNamespace()
            + "/"
            + plural
            + "/"
            + object.getMetadata().getName();
    Map<String, Object> options =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "DeleteOptions",
            "propagationPolicy",
            DeletionPropagation.BACKGROUND.toString(),
            "preconditions",
            Map.of("uid", object.getMetadata().getUid()));
    try {
      client.raw(path, "DELETE", options);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }
}
