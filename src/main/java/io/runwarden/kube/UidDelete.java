package io.runwarden.kube;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;

/**
 * Deletes exactly the object that was looked at: a UID precondition (and optionally its
 * resourceVersion), so an object re-created or changed under the same name meanwhile survives
 * (Fabric8's DSL has no preconditions).
 */
public final class UidDelete {

  private UidDelete() {}

  /**
   * @return whether it was deleted (false: gone already, or another object by now)
   */
  public static boolean delete(KubernetesClient client, HasMetadata object, String plural) {
    return delete(client, object, plural, false);
  }

  /**
   * With {@code unchanged}, also only if it is still the version that was looked at (its
   * resourceVersion): for deletions decided from the object's content, such as retention.
   *
   * @return whether it was deleted (false: gone already, another object, or changed since)
   */
  public static boolean delete(
      KubernetesClient client, HasMetadata object, String plural, boolean unchanged) {
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
    Map<String, Object> preconditions =
        unchanged
            ? Map.of(
                "uid",
                object.getMetadata().getUid(),
                "resourceVersion",
                object.getMetadata().getResourceVersion())
            : Map.of("uid", object.getMetadata().getUid());
    Map<String, Object> options =
        Map.of(
            "apiVersion",
            "v1",
            "kind",
            "DeleteOptions",
            "propagationPolicy",
            DeletionPropagation.BACKGROUND.toString(),
            "preconditions",
            preconditions);
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
