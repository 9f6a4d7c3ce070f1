package io.runwarden.external;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Secret headers: sent only when the Secret opts in, checked before use, never repeated. */
@Tag("pure")
class ProbeHeadersTest {

  private static final String KEY =
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";

  @Test
  void aSecretThatDoesNotOptInIsNeverSent() {
    ProbeHeaders.Result r =
        ProbeHeaders.from(secret(Map.of(), Map.of("Authorization", "Bearer x")));
    assertThat(r.headers()).isEmpty();
    assertThat(r.refused()).contains(ProbeHeaders.OPT_IN);
  }

  @Test
  void anOptedInSecretGivesItsHeaders() {
    ProbeHeaders.Result r =
        ProbeHeaders.from(
            secret(Map.of(ProbeHeaders.OPT_IN, "true"), Map.of("Authorization", "Bearer x\n")));
    assertThat(r.refused()).isNull();
    assertThat(r.headers()).containsExactly(Map.entry("Authorization", "Bearer x"));
  }

  @Test
  void aMultiLineValueIsRefusedWithoutRepeatingIt() {
    ProbeHeaders.Result r =
        ProbeHeaders.from(secret(Map.of(ProbeHeaders.OPT_IN, "true"), Map.of("X-Key", KEY)));
    assertThat(r.headers()).isEmpty();
    assertThat(r.refused()).contains("X-Key").doesNotContain("OPENSSH").doesNotContain("b3Bl");
  }

  @Test
  void connectionHeadersAreNotARunsToSend() {
    ProbeHeaders.Result r =
        ProbeHeaders.from(secret(Map.of(ProbeHeaders.OPT_IN, "true"), Map.of("Host", "metadata")));
    assertThat(r.refused()).contains("Host").doesNotContain("metadata");
  }

  private static Secret secret(Map<String, String> annotations, Map<String, String> values) {
    Map<String, String> data = new java.util.LinkedHashMap<>();
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withNewMetadata()
        .withName("llm-api")
        .withAnnotations(annotations)
        .endMetadata()
        .withData(data)
        .build();
  }
}
