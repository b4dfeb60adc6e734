package dev.mqttls.tls.client;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Builds a client's Netty {@link SslContext}. Netty picks BoringSSL when it is available and the
 * JDK provider otherwise. A configured client certificate is always presented (see {@link
 * AlwaysPresentKeyManager}).
 */
public final class ClientSslContexts {
  private ClientSslContexts() {}

  /**
   * The context for {@code options}.
   *
   * @throws SSLException if the engine refuses the settings (an unknown TLS version or no cipher
   *     suite it supports)
   * @throws IllegalArgumentException if a setting is malformed
   */
  public static SslContext build(ClientTlsOptions options) throws SSLException {
    SslContextBuilder b = SslContextBuilder.forClient().trustManager(options.trust());
    options
        .identity()
        .ifPresent(
            m ->
                b.keyManager(
                    AlwaysPresentKeyManager.asClient(
                        m.privateKey(), m.chain().toArray(new X509Certificate[0]))));
    if (!options.protocols().isEmpty()) {
      b.protocols(options.protocols());
    }
    if (!options.ciphers().isEmpty()) {
      b.ciphers(options.ciphers(), SupportedCipherSuiteFilter.INSTANCE);
    }
    if (!options.alpn().isEmpty()) {
      b.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              options.alpn()));
    }
    return b.build();
  }
}
