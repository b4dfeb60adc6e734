package dev.mqttls.tls.verify;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * A chain the {@link ChainVerifier} refused: the {@link CertificateError}, the certificate at fault
 * and a sentence for people. Callers map the error, never the message text. Carries no stack trace:
 * a refused certificate is the peer's mistake, not ours.
 */
public final class CertificateRejected extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final CertificateError error;
  private final transient X509Certificate certificate;
  private final int depth;

  /**
   * @param error why
   * @param certificate the certificate at fault, or null when none is (no certificate sent)
   * @param depth its position in the verified path, 0 for the leaf; the trust anchor is one past
   *     the path; −1 when unknown
   * @param detail the sentence for people
   */
  public CertificateRejected(
      CertificateError error, X509Certificate certificate, int depth, String detail) {
    super(detail, null);
    this.error = Objects.requireNonNull(error, "error");
    this.certificate = certificate;
    this.depth = depth;
  }

  /** Why the chain was refused. */
  public CertificateError error() {
    return error;
  }

  /** The certificate at fault, when one is. */
  public Optional<X509Certificate> certificate() {
    return Optional.ofNullable(certificate);
  }

  /** The position of the certificate at fault (0 = leaf), or −1 when unknown. */
  public int depth() {
    return depth;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
