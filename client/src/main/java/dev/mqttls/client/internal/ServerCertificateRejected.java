package dev.mqttls.client.internal;

import dev.mqttls.tls.verify.CertificateError;
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
    INVALID;

    /** The client's reason for a certificate refused with {@code error}: the one mapping. */
    public static Reason of(CertificateError error) {
      switch (error) {
        case UNKNOWN_ISSUER:
        case ISSUER_KEY_MISMATCH:
          return UNTRUSTED_ISSUER;
        case SELF_SIGNED:
          return SELF_SIGNED;
        case EXPIRED:
          return EXPIRED;
        case NOT_YET_VALID:
          return NOT_YET_VALID;
        case REVOKED:
          return REVOKED;
        case NAME_MISMATCH:
          return HOSTNAME_MISMATCH;
        default:
          return INVALID;
      }
    }
  }

  private final CertificateError certificateError;
  private final Reason reason;

  ServerCertificateRejected(CertificateError error, String message, Throwable cause) {
    // The error's name is the cause word the broker's log and the doctor show for the same
    // certificate; the reason (what Failures adds) is the client's coarser grouping of it.
    super(
        Reason.of(error).name().equals(error.name()) ? message : message + " [" + error + "]",
        cause);
    this.certificateError = error;
    this.reason = Reason.of(error);
  }

  /** Why the certificate was rejected. */
  public Reason reason() {
    return reason;
  }

  /** The verifier's precise error, shared with the broker and the doctor. */
  public CertificateError certificateError() {
    return certificateError;
  }
}
