package dev.mqttls.bench;

/**
 * A run that could not be done, with a one-line cause for the terminal: the broker refused or
 * dropped connections, TLS material is unusable, a subscription was refused. Carries no stack
 * trace: the cause is the broker's or the user's, not ours.
 */
public final class BenchException extends RuntimeException {
  /** A failure saying {@code message}. */
  public BenchException(String message) {
    super(message, null, false, false);
  }
}
