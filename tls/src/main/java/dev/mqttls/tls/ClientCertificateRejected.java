package dev.mqttls.tls;

import dev.mqttls.tls.verify.CertificateError;
import java.security.cert.CertificateException;

/**
 * Thrown by the listener's certificate verifier inside the handshake; it travels as the cause of
 * the engine's handshake exception, so the failure classifier reads the cause as a value. It also
 * carries the TLS alert the client should receive, so a device (or the doctor) learns the reason
 * without access to the broker's log.
 */
final class ClientCertificateRejected extends CertificateException {
  private static final long serialVersionUID = 1L;

  /** RFC 8446 section 6.2 alert descriptions that name a certificate refusal. */
  static final int BAD_CERTIFICATE = 42;

  static final int UNSUPPORTED_CERTIFICATE = 43;
  static final int CERTIFICATE_REVOKED = 44;
  static final int CERTIFICATE_EXPIRED = 45;
  static final int CERTIFICATE_UNKNOWN = 46;
  static final int UNKNOWN_CA = 48;
  static final int CERTIFICATE_REQUIRED = 116;

  private final HandshakeFailureCause failureCause;
  private final CertificateError certificateError;
  private final int alert;

  /**
   * A refusal of the chain; the detail ends with the error's name in brackets, the cause word the
   * client and the doctor show for the same certificate.
   */
  ClientCertificateRejected(CertificateError error, String detail) {
    this(HandshakeFailureCause.of(error), error, detail + " [" + error + "]", alertOf(error));
  }

  /** A refusal that is not about the chain (e.g. the identity field is missing). */
  ClientCertificateRejected(HandshakeFailureCause failureCause, String detail) {
    this(failureCause, null, detail, defaultAlert(failureCause));
  }

  private ClientCertificateRejected(
      HandshakeFailureCause failureCause, CertificateError error, String detail, int alert) {
    super(detail);
    this.failureCause = failureCause;
    this.certificateError = error;
    this.alert = alert;
  }

  /** The chain's error, or null when the refusal is not about the chain. */
  CertificateError certificateError() {
    return certificateError;
  }

  // What OpenSSL (and so Mosquitto) would send for the same refusal.
  private static int alertOf(CertificateError error) {
    switch (error) {
      case WRONG_PURPOSE:
        return UNSUPPORTED_CERTIFICATE;
      default:
        return defaultAlert(HandshakeFailureCause.of(error));
    }
  }

  HandshakeFailureCause failureCause() {
    return failureCause;
  }

  /** The alert description that names this refusal (what Mosquitto/OpenSSL would send). */
  int alert() {
    return alert;
  }

  private static int defaultAlert(HandshakeFailureCause cause) {
    switch (cause) {
      case NO_CLIENT_CERTIFICATE:
        return CERTIFICATE_REQUIRED;
      case CLIENT_CERT_UNTRUSTED_ISSUER:
        return UNKNOWN_CA;
      case CLIENT_CERT_REVOKED:
        return CERTIFICATE_REVOKED;
      case CLIENT_CERT_EXPIRED:
      case CLIENT_CERT_NOT_YET_VALID:
        // RFC 8446 has no "not yet valid" alert; OpenSSL sends certificate_expired for both.
        return CERTIFICATE_EXPIRED;
      case CRL_EXPIRED:
        // Not the device's fault and not its certificate's date: "some other issue".
        return CERTIFICATE_UNKNOWN;
      default:
        return BAD_CERTIFICATE;
    }
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // an expected outcome, not a bug: no stack trace needed
  }
}
