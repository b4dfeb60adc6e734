package dev.mqttls.codec.internal;

import dev.mqttls.codec.ReasonCode;

/**
 * A protocol violation found while decoding. Internal control flow only: it never leaves the
 * decoder (which turns it into a {@code MalformedPacket}), so it carries no stack trace.
 */
public final class DecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient ReasonCode reason;

  /** A violation with the reason code the specification assigns and what exactly was wrong. */
  public DecodeException(ReasonCode reason, String cause) {
    super(cause, null, false, false);
    this.reason = reason;
  }

  /** The reason code for the violation. */
  public ReasonCode reason() {
    return reason;
  }
}
