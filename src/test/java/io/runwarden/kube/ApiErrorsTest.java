package io.runwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("pure")
class ApiErrorsTest {

  @Test
  void theApiServersMessageIsRepeatedEscaped() {
    // An admission webhook's words reach the message as it wrote them, line breaks included.
    var refused =
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(403)
                .withMessage("admission webhook \"x\" denied the request:\nINFO forged line")
                .build());
    assertThat(ApiErrors.said(refused))
        .isEqualTo("admission webhook \"x\" denied the request:\\nINFO forged line");
  }

  @Test
  void withoutAnAnswerTheClientsOwnMessageIsUsed() {
    assertThat(ApiErrors.said(new KubernetesClientException("connection refused")))
        .isEqualTo("connection refused");
  }
}
