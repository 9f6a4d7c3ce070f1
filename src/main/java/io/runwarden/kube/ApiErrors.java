package io.runwarden.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.runwarden.text.UserText;

/** What the API server said when it refused a request, ready for a status message or an Event. */
public final class ApiErrors {

  private ApiErrors() {}

  /**
   * The API server's own message (its Status), or the client's when there was no answer; escaped
   * and capped, since it repeats what users wrote (names, an admission webhook's words).
   */
  public static String said(KubernetesClientException e) {
    return UserText.escape(e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
  }
}
