package dev.mqttls.tls.client;

import dev.mqttls.tls.TlsMaterial;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * What a client's TLS context is made of.
 *
 * @param trust decides whether the broker's certificate is accepted (chain and host name)
 * @param identity the client certificate and key to present, if any; always sent when present
 * @param protocols the TLS versions to enable ({@code TLSv1.2}, {@code TLSv1.3}); empty for the
 *     engine's defaults
 * @param ciphers the cipher suites to enable; empty for the engine's defaults
 * @param alpn the ALPN protocols to offer; empty offers none
 */
public record ClientTlsOptions(
    X509TrustManager trust,
    Optional<TlsMaterial> identity,
    List<String> protocols,
    List<String> ciphers,
    List<String> alpn) {
  /** Checks every part is present and copies the lists. */
  public ClientTlsOptions {
    Objects.requireNonNull(trust, "trust");
    Objects.requireNonNull(identity, "identity");
    protocols = List.copyOf(protocols);
    ciphers = List.copyOf(ciphers);
    alpn = List.copyOf(alpn);
  }
}
