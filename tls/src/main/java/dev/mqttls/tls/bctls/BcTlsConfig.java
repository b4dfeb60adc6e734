package dev.mqttls.tls.bctls;

import dev.mqttls.tls.psk.PskKeys;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one connection on the bctls engine may negotiate.
 *
 * @param pskHint the {@code psk_hint} sent in TLS 1.2 PSK handshakes; empty when PSK is off
 * @param pskKeys the identities and keys, empty when PSK is off
 * @param privateKey the certificate key for the certificate suites; empty for PSK only
 * @param chain the certificate chain sent with it, leaf first; empty for PSK only
 * @param clientCertificates requests and checks a client certificate in certificate handshakes
 *     (never in PSK handshakes, as with OpenSSL); empty when the listener does not require one
 * @param allowTls12 whether TLS 1.2 may be negotiated ({@code tls_version} below 1.3)
 * @param allowTls13 whether TLS 1.3 (external PSK only) may be negotiated
 * @param maxChainLength the most certificates accepted in a client chain
 */
public record BcTlsConfig(
    Optional<String> pskHint,
    Optional<PskKeys> pskKeys,
    Optional<PrivateKey> privateKey,
    List<X509Certificate> chain,
    Optional<ClientCertificateCheck> clientCertificates,
    boolean allowTls12,
    boolean allowTls13,
    int maxChainLength) {

  /** Checks that PSK comes with keys and a certificate with its key. */
  public BcTlsConfig {
    Objects.requireNonNull(pskHint);
    Objects.requireNonNull(pskKeys);
    Objects.requireNonNull(privateKey);
    chain = List.copyOf(chain);
    Objects.requireNonNull(clientCertificates);
    if (privateKey.isPresent() == chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs its private key and back");
    }
    if (!allowTls12 && !allowTls13) {
      throw new IllegalArgumentException("neither TLS 1.2 nor TLS 1.3 allowed");
    }
    if (pskKeys.isEmpty() && privateKey.isEmpty()) {
      throw new IllegalArgumentException("neither PSK keys nor a certificate");
    }
  }

  /** Whether PSK suites are offered. */
  public boolean psk() {
    return pskKeys.isPresent();
  }

  /** Whether certificate suites are offered. */
  public boolean certificates() {
    return privateKey.isPresent();
  }

  /** Lists what is configured; never a key. */
  @Override
  public String toString() {
    return "BcTlsConfig[psk="
        + pskKeys.map(PskKeys::toString).orElse("off")
        + ", certificate="
        + (chain.isEmpty() ? "none" : chain.get(0).getSubjectX500Principal().getName())
        + ", clientCertificates="
        + clientCertificates.isPresent()
        + ", tls12="
        + allowTls12
        + ", tls13="
        + allowTls13
        + "]";
  }
}
