package dev.mqttls.tls;

import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager one engine's context uses: notes each certificate it is shown ({@link
 * CertificateSightings}), verifies it with the listener's {@link ClientCertificateVerifier}, and on
 * the OpenSSL engine turns a refusal into the X509_V_ERR code from which BoringSSL derives the
 * alert (an unmapped exception becomes internal_error). SunJSSE sends certificate_unknown for any
 * refusal, whatever the exception; {@link Tls12AlertNamer} names it where it can.
 */
final class ListenerTrustManager extends X509ExtendedTrustManager {
  private final ClientCertificateVerifier verifier;
  private final CertificateSightings sightings;
  private final boolean openssl;

  ListenerTrustManager(
      ClientCertificateVerifier verifier, CertificateSightings sightings, boolean openssl) {
    this.verifier = verifier;
    this.sightings = sightings;
    this.openssl = openssl;
  }

  private void check(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
    sightings.saw(engine, chain);
    try {
      verifier.verify(chain);
    } catch (ClientCertificateRejected r) {
      throw openssl ? new OpenSslCertificateException(r.getMessage(), r, x509Error(r)) : r;
    }
  }

  // The inverse of BoringSSL's SSL_alert_from_verify_result for the alerts we send. Touches the
  // tcnative classes, so only ever called on the OpenSSL engine.
  private static int x509Error(ClientCertificateRejected r) {
    switch (r.alert()) {
      case ClientCertificateRejected.UNKNOWN_CA:
        return CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
      case ClientCertificateRejected.CERTIFICATE_REVOKED:
        return CertificateVerifier.X509_V_ERR_CERT_REVOKED;
      case ClientCertificateRejected.CERTIFICATE_EXPIRED:
        return r.failureCause() == HandshakeFailureCause.CLIENT_CERT_NOT_YET_VALID
            ? CertificateVerifier.X509_V_ERR_CERT_NOT_YET_VALID
            : CertificateVerifier.X509_V_ERR_CERT_HAS_EXPIRED;
      case ClientCertificateRejected.UNSUPPORTED_CERTIFICATE:
        return CertificateVerifier.X509_V_ERR_INVALID_PURPOSE;
      case ClientCertificateRejected.CERTIFICATE_UNKNOWN:
        // Any code BoringSSL does not list maps to certificate_unknown.
        return CertificateVerifier.X509_V_ERR_CRL_PATH_VALIDATION_ERROR;
      default:
        return CertificateVerifier.X509_V_ERR_CERT_REJECTED;
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("server-side verifier");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("server-side verifier");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("server-side verifier");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return verifier.acceptedIssuers();
  }
}
