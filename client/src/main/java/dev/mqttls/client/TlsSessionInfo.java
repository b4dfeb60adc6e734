package dev.mqttls.client;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the TLS handshake settled on, for status displays.
 *
 * @param protocol the TLS version, as {@code TLSv1.3}
 * @param cipherSuite the cipher suite name
 * @param alpnProtocol the protocol negotiated by ALPN, if any
 * @param peerSubject the subject of the broker's certificate
 * @param peerIssuer the issuer of the broker's certificate
 * @param peerNotAfter when the broker's certificate expires
 */
public record TlsSessionInfo(
    String protocol,
    String cipherSuite,
    Optional<String> alpnProtocol,
    String peerSubject,
    String peerIssuer,
    Instant peerNotAfter) {
  /** Checks every part is present. */
  public TlsSessionInfo {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(cipherSuite, "cipherSuite");
    Objects.requireNonNull(alpnProtocol, "alpnProtocol");
    Objects.requireNonNull(peerSubject, "peerSubject");
    Objects.requireNonNull(peerIssuer, "peerIssuer");
    Objects.requireNonNull(peerNotAfter, "peerNotAfter");
  }

  /** Whole days from {@code now} until the broker's certificate expires (negative once expired). */
  public long daysToExpiry(Instant now) {
    return java.time.Duration.between(now, peerNotAfter).toDays();
  }
}
