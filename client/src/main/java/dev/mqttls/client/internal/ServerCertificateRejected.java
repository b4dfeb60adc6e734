package dev.mqttls.client.internal;

import java.security.cert.CertificateException;

/**
 * Thrown by {@link ServerCertificateVerifier} so the handshake failure carries a typed reason,
 * found again by {@link Failures} in the cause chain without reading any message text.
 */
public final class ServerCertificateRejected extends CertificateException {
  private static final long serialVersionUID = 1L;

  /** Why the broker's certificate was not accepted. */
  public enum Reason {
    /** The chain does not lead to a trusted CA (and the leaf is not self-signed). */
    UNTRUSTED_ISSUER,
    /** The broker presented a self-signed certificate that is not in the trust store. */
    SELF_SIGNED,
    /** A certificate of the chain is past its notAfter date. */
    EXPIRED,
    /** A certificate of the chain is before its notBefore date. */
    NOT_YET_VALID,
    /** A certificate of the chain is revoked. */
    REVOKED,
    /** The certificate does not name the host connected to. */
    HOSTNAME_MISMATCH,
    /** The chain is invalid for another reason (signature, key usage, constraints). */
    INVALID
  }

  private final Reason reason;

  ServerCertificateRejected(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the certificate was rejected. */
  public Reason reason() {
    return reason;
  }
}
