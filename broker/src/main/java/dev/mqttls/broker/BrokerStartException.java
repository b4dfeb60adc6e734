package dev.mqttls.broker;

/**
 * The broker could not start: a listener could not bind, or its TLS material could not be loaded.
 * The message names the listener and the cause; nothing was left running.
 */
public final class BrokerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A complete operator-facing message. */
  public BrokerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
