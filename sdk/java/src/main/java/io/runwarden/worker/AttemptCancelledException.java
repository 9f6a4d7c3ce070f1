package io.runwarden.worker;

/**
 * The attempt is no longer this worker's: a newer attempt is open, the run ended (succeeded,
 * failed, force-failed, deleted), or another worker holds it. Stop working: nothing this worker
 * reports changes the run any more.
 */
public class AttemptCancelledException extends RuntimeException {

  public AttemptCancelledException(String reason) {
    super(reason);
  }
}
