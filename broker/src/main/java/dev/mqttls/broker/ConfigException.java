package dev.mqttls.broker;

/**
 * A configuration that cannot be used. The message names the place and the directive: {@code
 * FILE:LINE: directive: what is wrong}, so that an operator can fix it without reading code.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A complete, operator-facing message, already naming file, line and directive. */
  public ConfigException(String message) {
    super(message);
  }

  /** As {@link #ConfigException(String)}, keeping the underlying failure for the debug log. */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
