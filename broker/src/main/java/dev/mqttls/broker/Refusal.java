package dev.mqttls.broker;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One refused connection, as the broker logged it: a TLS handshake refused with its named cause, or
 * a CONNECT refused with its CONNACK reason code. Immutable.
 *
 * @param at when
 * @param kind which step refused it
 * @param listener the listener's name (its configured port)
 * @param address the peer, e.g. {@code 127.0.0.1:50122}
 * @param clientId the client id the CONNECT carried (CONNECT refusals only)
 * @param cause the cause in lower case: the handshake failure cause (e.g. {@code
 *     no_client_certificate}, the {@code HandshakeFailureCause} name) or the CONNACK reason code
 *     (e.g. {@code not_authorized})
 * @param detail the cause in plain words, as the log line gives it
 */
public record Refusal(
    Instant at,
    Kind kind,
    String listener,
    String address,
    Optional<String> clientId,
    String cause,
    String detail) {

  /** Which step refused a connection. */
  public enum Kind {
    /** The TLS handshake failed or its client certificate was refused. */
    TLS_HANDSHAKE,
    /** The CONNECT was answered with a CONNACK error. */
    CONNECT
  }

  /** Checks that no component is null. */
  public Refusal {
    Objects.requireNonNull(at);
    Objects.requireNonNull(kind);
    Objects.requireNonNull(listener);
    Objects.requireNonNull(address);
    Objects.requireNonNull(clientId);
    Objects.requireNonNull(cause);
    Objects.requireNonNull(detail);
  }
}
