package io.runwarden.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Report fields not yet written, newest value per field. A worker may call progress per item; this
 * keeps only what the next write needs, so writes are coalesced and the newest value always wins. A
 * write that fails puts its fields back unless something newer arrived meanwhile.
 */
final class PendingReport {

  private final Map<String, Object> fields = new LinkedHashMap<>();

  synchronized void put(String field, Object value) {
    fields.put(field, value);
  }

  synchronized boolean isEmpty() {
    return fields.isEmpty();
  }

  /** Everything pending, cleared: the caller writes it. */
  synchronized Map<String, Object> take() {
    Map<String, Object> out = new LinkedHashMap<>(fields);
    fields.clear();
    return out;
  }

  /** A write of {@code taken} failed: pending again, except fields set anew since. */
  synchronized void restore(Map<String, Object> taken) {
    Map<String, Object> merged = new LinkedHashMap<>(taken);
    merged.putAll(fields);
    fields.clear();
    fields.putAll(merged);
  }
}
