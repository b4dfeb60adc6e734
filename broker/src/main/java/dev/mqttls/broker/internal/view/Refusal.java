package dev.mqttls.broker.internal.view;

import java.time.Instant;
import java.util.Objects;

/**
 * Something the broker refused a client: its CONNECT, a PUBLISH or a SUBSCRIBE.
 *
 * @param at when
 * @param clientId the client id it gave (empty when it gave none)
 * @param address the peer
 * @param what what was refused, e.g. {@code CONNECT} or {@code PUBLISH to a/b}
 * @param reason the reason code's name in words, e.g. {@code not authorized}
 * @param cause the cause as logged (never a secret: no password, no payload)
 */
public record Refusal(
    Instant at, String clientId, String address, String what, String reason, String cause) {
  public Refusal {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(cause, "cause");
  }
}
