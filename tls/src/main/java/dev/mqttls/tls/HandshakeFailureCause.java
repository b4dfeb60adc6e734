package dev.mqttls.tls;

import dev.mqttls.tls.verify.CertificateError;

/**
 * Why a TLS handshake failed, computed from what the handshake showed (the ClientHello, the client
 * certificate as verified, the engine's outcome), never from exception message text. The broker
 * logs it, the doctor explains it to people.
 */
public enum HandshakeFailureCause {
  /** The listener requires a client certificate and the client sent none. */
  NO_CLIENT_CERTIFICATE,
  /** The client certificate does not chain to a CA in the listener's cafile/capath. */
  CLIENT_CERT_UNTRUSTED_ISSUER,
  /** The client certificate (or a CA above it) is listed in the listener's crlfile. */
  CLIENT_CERT_REVOKED,
  /** The client certificate (or a CA above it) is past its notAfter date. */
  CLIENT_CERT_EXPIRED,
  /** The client certificate (or a CA above it) is before its notBefore date. */
  CLIENT_CERT_NOT_YET_VALID,
  /** The client certificate chains to a trusted CA but is otherwise invalid (signature, usage). */
  CLIENT_CERT_INVALID,
  /** The client certificate lacks the field that {@code cert_identity} takes the identity from. */
  CLIENT_CERT_NO_IDENTITY,
  /** The CRL for the client certificate's issuer is past its nextUpdate and policy is refuse. */
  CRL_EXPIRED,
  /** The client offered only TLS versions below the listener's {@code tls_version} minimum. */
  PROTOCOL_VERSION_TOO_OLD,
  /** No cipher suite offered by the client is enabled on this listener for its key type. */
  NO_SHARED_CIPHER,
  /** The client sent a plain MQTT packet (e.g. CONNECT) to a TLS listener. */
  PLAIN_MQTT_ON_TLS_PORT,
  /** The client sent TLS (a ClientHello) to a plain MQTT listener. */
  TLS_ON_PLAIN_PORT,
  /** The first bytes were neither TLS nor MQTT (e.g. HTTP, or random bytes). */
  NOT_TLS,
  /** The ClientHello was malformed or larger than the listener accepts. */
  MALFORMED_CLIENT_HELLO,
  /** The handshake did not complete within {@code tls_handshake_timeout}. */
  HANDSHAKE_TIMEOUT,
  /** The peer closed the connection before the handshake completed, without saying why. */
  PEER_CLOSED,
  /** The peer aborted the handshake with a TLS alert (often: it does not trust our certificate). */
  PEER_ALERT,
  /** The client's TLS-PSK identity is not in the listener's {@code psk_file}. */
  PSK_UNKNOWN_IDENTITY,
  /** The client's TLS-PSK identity is known but its key differs from the {@code psk_file}'s. */
  PSK_KEY_MISMATCH,
  /** None of the above could be established from the handshake state. */
  UNKNOWN;

  /** The broker's cause for a client certificate refused with {@code error}: the one mapping. */
  public static HandshakeFailureCause of(CertificateError error) {
    switch (error) {
      case NO_CERTIFICATE:
        return NO_CLIENT_CERTIFICATE;
      case EXPIRED:
        return CLIENT_CERT_EXPIRED;
      case NOT_YET_VALID:
        return CLIENT_CERT_NOT_YET_VALID;
      case UNKNOWN_ISSUER:
      case SELF_SIGNED:
      case ISSUER_KEY_MISMATCH:
        return CLIENT_CERT_UNTRUSTED_ISSUER;
      case REVOKED:
        return CLIENT_CERT_REVOKED;
      case CRL_EXPIRED:
        return CRL_EXPIRED;
      default:
        return CLIENT_CERT_INVALID;
    }
  }
}
