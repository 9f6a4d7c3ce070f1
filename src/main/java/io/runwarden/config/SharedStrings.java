package io.runwarden.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Short strings the operator's Kubernetes client reads are shared ({@link String#intern()}), so the
 * informer cache holds one "True", one namespace, one reason, one timestamp per instant.
 *
 * <p>With 11,000 runs cached, strings were half of the live heap: 773,000 of them, ~52 MB of ~106
 * MB (issue #8's benchmark). Each run repeats the same few values: condition types, statuses and
 * reasons, its namespace and kind, a message in three conditions, the instant of a transition in
 * several fields. JDK 17's string deduplication needs G1, and the image runs the Serial collector.
 * Long values (a worker's checkpoint, up to 32 KiB) are kept as read: they are rarely equal and
 * would only fill the string table.
 */
@Singleton
public class SharedStrings implements KubernetesClientObjectMapperCustomizer {

  /** Longer strings are kept as parsed; condition messages fit, checkpoints mostly do not. */
  static final int MAX_SHARED_LENGTH = 256;

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.registerModule(
        new SimpleModule("runwarden-shared-strings").addDeserializer(String.class, new Shared()));
  }

  static final class Shared extends StdScalarDeserializer<String> {

    Shared() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String value = StringDeserializer.instance.deserialize(p, ctxt);
      return value != null && value.length() <= MAX_SHARED_LENGTH ? value.intern() : value;
    }
  }
}
