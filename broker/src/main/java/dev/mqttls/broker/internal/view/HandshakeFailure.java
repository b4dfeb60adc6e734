package dev.mqttls.broker.internal.view;

import dev.mqttls.tls.HandshakeFailureCause;
import java.time.Instant;
import java.util.Objects;

/**
 * One failed TLS handshake as the feed keeps it.
 *
 * @param at when it failed
 * @param listener the listener's name
 * @param address the peer, e.g. {@code 127.0.0.1:50122}
 * @param cause the named cause
 * @param detail the cause in plain words, as the broker logged it
 */
public record HandshakeFailure(
    Instant at, String listener, String address, HandshakeFailureCause cause, String detail) {
  public HandshakeFailure {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(detail, "detail");
  }

  /** What to change, as the doctor advises for this cause; empty when it has no advice. */
  public String remedy() {
    return cause.remedy();
  }
}
