package dev.mqttls.client.internal;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.tls.TlsMaterial;
import dev.mqttls.tls.TlsMaterialException;
import dev.mqttls.tls.client.ClientIdentity;
import dev.mqttls.tls.client.ClientSslContexts;
import dev.mqttls.tls.client.ClientTlsOptions;
import dev.mqttls.tls.client.TrustAnchors;
import io.netty.handler.ssl.SslContext;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Builds a client's {@link SslContext} from its {@link TlsConfig} with the {@code tls} module's
 * client contexts: trust anchors from the configured CAs (or the system's), the broker's
 * certificate checked by {@link ServerCertificateVerifier}, and the client certificate, which is
 * always presented.
 */
public final class ClientTls {
  private ClientTls() {}

  /**
   * The context for {@code config}.
   *
   * @throws MqttClientException of kind {@link FailureKind#CONFIGURATION}, one sentence naming the
   *     file at fault and what to do
   */
  public static SslContext build(TlsConfig config) {
    try {
      var anchors = TrustAnchors.load(config.caFile().orElse(null), config.caPath().orElse(null));
      Optional<TlsMaterial> identity = Optional.empty();
      if (config.certFile().isPresent()) {
        identity =
            Optional.of(
                ClientIdentity.load(
                    config.certFile().get(),
                    config.keyFile().orElseThrow(),
                    config.keyPassword().orElse(null)));
      } else if (config.pkcs12File().isPresent()) {
        identity =
            Optional.of(
                ClientIdentity.loadPkcs12(
                    config.pkcs12File().get(), config.pkcs12Password().orElse(null)));
      }
      return ClientSslContexts.build(
          new ClientTlsOptions(
              new ServerCertificateVerifier(anchors, !config.insecure()),
              identity,
              config.protocols(),
              config.ciphers(),
              config.alpn()));
    } catch (TlsMaterialException e) {
      throw new MqttClientException(FailureKind.CONFIGURATION, e.getMessage(), e);
    } catch (SSLException | IllegalArgumentException e) {
      throw new MqttClientException(
          FailureKind.CONFIGURATION,
          "cannot set up TLS with these settings: "
              + Words.of(e)
              + ": check the TLS versions and"
              + " cipher suites",
          e);
    }
  }
}
