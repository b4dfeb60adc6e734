package dev.mqttls.client;

import dev.mqttls.codec.ReasonCode;
import java.util.Optional;

/**
 * A failed client operation: a {@link FailureKind}, a message naming the cause and what to do, and
 * where the broker gave one, its reason code and reason string.
 *
 * <p>Asynchronous failures complete futures with this exception; the blocking view rethrows a copy
 * whose stack trace is the caller's, with the original as its cause.
 */
public class MqttClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final FailureKind kind;
  private final transient ReasonCode reasonCode;
  private final String reasonString;

  /** An exception of {@code kind} with a message and an optional cause. */
  public MqttClientException(FailureKind kind, String message, Throwable cause) {
    this(kind, message, null, null, cause);
  }

  /** An exception of {@code kind} that carries the broker's reason code and reason string. */
  public MqttClientException(
      FailureKind kind,
      String message,
      ReasonCode reasonCode,
      String reasonString,
      Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.reasonCode = reasonCode;
    this.reasonString = reasonString;
  }

  /** What kind of failure this is. */
  public FailureKind kind() {
    return kind;
  }

  /** The broker's reason code, when it sent one. */
  public Optional<ReasonCode> reasonCode() {
    return Optional.ofNullable(reasonCode);
  }

  /** The broker's reason string (MQTT 5), when it sent one. */
  public Optional<String> reasonString() {
    return Optional.ofNullable(reasonString);
  }

  /** A copy of this exception with the current thread's stack, this one as its cause. */
  public MqttClientException withCallerStack() {
    return new MqttClientException(kind, getMessage(), reasonCode, reasonString, this);
  }
}
