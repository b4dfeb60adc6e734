package dev.mqttls.tls;

import java.util.Objects;

/**
 * User event fired down the pipeline by the server TLS handler just before it closes a connection
 * whose handshake failed (the handler has already logged the line), so the broker can count
 * failures by cause.
 *
 * @param listenerName the listener
 * @param remoteAddress the peer, e.g. {@code 127.0.0.1:50122}
 * @param cause the named cause
 * @param detail the cause in plain words, as logged
 */
public record TlsHandshakeFailed(
    String listenerName, String remoteAddress, HandshakeFailureCause cause, String detail) {

  /** Checks that no component is null. */
  public TlsHandshakeFailed {
    Objects.requireNonNull(listenerName);
    Objects.requireNonNull(remoteAddress);
    Objects.requireNonNull(cause);
    Objects.requireNonNull(detail);
  }
}
