package io.runwarden.lifecycle;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * apimachinery's {@code meta.SetStatusCondition}: lastTransitionTime changes only when the status
 * flips; reason, message and observedGeneration are always refreshed. Other conditions in the list
 * are left alone.
 */
public final class Conditions {

  private Conditions() {}

  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      Instant now) {
    List<Condition> out = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
    String value = status ? "True" : "False";
    Condition existing = find(out, type);
    if (existing == null) {
      existing = new Condition();
      existing.setType(type);
      out.add(existing);
    }
    if (!value.equals(existing.getStatus())) {
      existing.setStatus(value);
      existing.setLastTransitionTime(Times.format(now));
    }
    existing.setReason(reason);
    existing.setMessage(message);
    existing.setObservedGeneration(generation);
    return out;
  }

  public static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    Condition c = find(conditions, type);
    return c != null && "True".equals(c.getStatus());
  }
}
