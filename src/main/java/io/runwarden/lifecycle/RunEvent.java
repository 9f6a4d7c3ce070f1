package io.runwarden.lifecycle;

/**
 * A Kubernetes Event the decision asks for: one per transition, with a message that says what
 * happens next.
 */
public record RunEvent(Type type, String reason, String message) {
  public enum Type {
    Normal,
    Warning
  }

  public static RunEvent normal(String reason, String message) {
    return new RunEvent(Type.Normal, reason, message);
  }

  public static RunEvent warning(String reason, String message) {
    return new RunEvent(Type.Warning, reason, message);
  }
}
