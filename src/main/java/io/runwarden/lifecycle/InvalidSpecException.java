package io.runwarden.lifecycle;

/** A spec the schema let through but the operator cannot honour; names the offending field. */
public final class InvalidSpecException extends RuntimeException {

  public InvalidSpecException(String field, String problem) {
    this("spec." + field + ": " + problem);
  }

  private InvalidSpecException(String message) {
    super(message);
  }

  /** About the run's metadata rather than its spec (e.g. metadata.namespace). */
  static InvalidSpecException ofMetadata(String field, String problem) {
    return new InvalidSpecException("metadata." + field + ": " + problem);
  }
}
