package io.runwarden.lifecycle;

/** What the external service said about the work of an attempt. */
public record ExternalResult(Result result, String message) {

  public enum Result {
    Completed,
    Running,
    Failed,
    Unknown,
    Unreachable
  }
}
