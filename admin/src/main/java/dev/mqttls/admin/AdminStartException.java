package dev.mqttls.admin;

/**
 * The admin HTTP listener could not start: its port is taken, its address cannot be bound, its TLS
 * material or password file cannot be read. The message names the cause; nothing was left running.
 */
public final class AdminStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A complete operator-facing message. */
  public AdminStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
