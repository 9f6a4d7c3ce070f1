package io.runwarden.lifecycle;

/** A spec the schema let through but the operator cannot honour; names the offending field. */
public final class InvalidSpecException extends RuntimeException {

  public InvalidSpecException(String field, String problem) {
    super("spec." + field + ": " + problem);
  }
}
