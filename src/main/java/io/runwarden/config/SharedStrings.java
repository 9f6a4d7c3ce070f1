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
 * Short strings the operator's Kubernetes client reads are shared, so the informer cache holds one
 * "True", one namespace, one reason, one timestamp per instant.
 *
 * <p>With 11,000 runs cached, strings were half of the live heap: 773,000 of them, ~52 MB of ~106
 * MB (issue #8's benchmark). Each run repeats the same few values: condition types, statuses and
 * reasons, its namespace and kind, a message in three conditions, the instant of a transition in
 * several fields. JDK 17's string deduplication needs G1, and the image runs the Serial collector.
 * Long values (a worker's checkpoint, up to 32 KiB) are kept as read: they are rarely equal and
 * would only fill the table.
 *
 * <p>The table is a fixed array, not {@link String#intern()}: interning every string the client
 * read cost 2.7 % of the operator's CPU in the default benchmark (async-profiler, 2026-12-03,
 * docs/performance.md), a native call and a lookup in the JVM's string table each time. Here a
 * lookup is the string's hash and one or two comparisons. A value that loses its place to another
 * with the same slot is read into a copy of its own until it is seen again, which costs a few
 * duplicates, never a wrong value.
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

    /**
     * Pairs of slots: 32,768 references (128 KiB), holding at most as many strings of at most
     * {@link #MAX_SHARED_LENGTH} characters alive. A new value goes into the second slot of its
     * pair and moves to the first when it is read again, so a value read all the time ("True")
     * keeps its place while values read once (a uid, a resourceVersion) pass through the other.
     */
    private static final int SLOTS = 1 << 15;

    private final String[] slots = new String[SLOTS];

    Shared() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String value = StringDeserializer.instance.deserialize(p, ctxt);
      return value != null && value.length() <= MAX_SHARED_LENGTH ? shared(value) : value;
    }

    /**
     * The instance of {@code value} the table holds, or {@code value}, which it then holds. Read
     * and written without locks by the event loops and the reconcilers: a reference is written
     * whole, a String is immutable and safely published, so a racing reader sees a string or null,
     * and a lost write only costs a duplicate.
     */
    String shared(String value) {
      int h = value.hashCode();
      int i = ((h ^ (h >>> 15)) & (SLOTS - 1)) & ~1;
      String first = slots[i];
      if (first != null && first.hashCode() == h && first.equals(value)) {
        return first;
      }
      String second = slots[i + 1];
      if (second != null && second.hashCode() == h && second.equals(value)) {
        slots[i] = second;
        slots[i + 1] = first;
        return second;
      }
      if (first == null) {
        slots[i] = value;
      } else {
        slots[i + 1] = value;
      }
      return value;
    }
  }
}
