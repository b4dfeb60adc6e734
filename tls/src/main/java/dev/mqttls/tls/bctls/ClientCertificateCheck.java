package dev.mqttls.tls.bctls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * How the listener verifies a client's certificate chain inside the handshake: the same verifier
 * the other engines call, so that the same chain gets the same cause on every engine.
 */
public interface ClientCertificateCheck {
  /**
   * Verifies {@code chain} (leaf first; empty when the client sent none).
   *
   * @throws CertificateException the refusal, carried as the cause of the handshake failure
   */
  void verify(X509Certificate[] chain) throws CertificateException;

  /** The TLS alert description (RFC 8446 section 6.2) the client is sent for {@code refusal}. */
  int alertFor(CertificateException refusal);
}
