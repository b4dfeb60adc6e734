package dev.mqttls.tls;

import java.security.cert.CertificateException;

/**
 * Thrown by the listener's certificate verifier inside the handshake; it travels as the cause of
 * the engine's handshake exception, so the failure classifier reads the cause as a value.
 */
final class ClientCertificateRejected extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final HandshakeFailureCause failureCause;

  ClientCertificateRejected(HandshakeFailureCause failureCause, String detail) {
    super(detail);
    this.failureCause = failureCause;
  }

  HandshakeFailureCause failureCause() {
    return failureCause;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // an expected outcome, not a bug: no stack trace needed
  }
}
