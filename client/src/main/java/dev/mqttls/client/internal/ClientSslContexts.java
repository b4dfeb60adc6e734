package dev.mqttls.client.internal;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.tls.PemReader;
import dev.mqttls.tls.TlsMaterial;
import dev.mqttls.tls.TlsMaterialException;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the client's Netty {@link SslContext} from a {@link TlsConfig}: key material read by the
 * {@code tls} module's {@link TlsMaterial} (every PEM form, encrypted keys, PKCS#12), trust from
 * the configured CAs or the system store, verification by {@link ServerCertificateVerifier}. Netty
 * picks BoringSSL when it is available and the JDK provider otherwise.
 */
public final class ClientSslContexts {
  private ClientSslContexts() {}

  /**
   * The context for {@code config}.
   *
   * @throws MqttClientException of kind {@link FailureKind#CONFIGURATION} naming the file at fault
   */
  public static SslContext build(TlsConfig config) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      b.trustManager(new ServerCertificateVerifier(chainValidator(config), !config.insecure()));
      if (config.certFile().isPresent()) {
        TlsMaterial m =
            TlsMaterial.load(
                config.certFile().get(),
                config.keyFile().orElseThrow(),
                config.keyPassword().orElse(null));
        b.keyManager(m.privateKey(), m.chain().toArray(new X509Certificate[0]));
      } else if (config.pkcs12File().isPresent()) {
        TlsMaterial m =
            TlsMaterial.loadKeyStore(
                config.pkcs12File().get(), config.pkcs12Password().orElse(null));
        b.keyManager(m.privateKey(), m.chain().toArray(new X509Certificate[0]));
      }
      if (!config.protocols().isEmpty()) {
        b.protocols(config.protocols());
      }
      if (!config.ciphers().isEmpty()) {
        b.ciphers(config.ciphers(), SupportedCipherSuiteFilter.INSTANCE);
      }
      if (!config.alpn().isEmpty()) {
        b.applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                config.alpn()));
      }
      return b.build();
    } catch (TlsMaterialException e) {
      throw new MqttClientException(FailureKind.CONFIGURATION, e.getMessage(), e);
    } catch (SSLException | IllegalArgumentException e) {
      throw new MqttClientException(
          FailureKind.CONFIGURATION, "cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager chainValidator(TlsConfig config) throws TlsMaterialException {
    List<X509Certificate> cas = new ArrayList<>();
    if (config.caFile().isPresent()) {
      cas.addAll(PemReader.readCertificates(config.caFile().get()));
    }
    if (config.caPath().isPresent()) {
      Path dir = config.caPath().get();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files.sorted()::iterator) {
          String n = f.getFileName().toString();
          if (Files.isRegularFile(f)
              && (n.endsWith(".pem") || n.endsWith(".crt") || n.matches("[0-9a-f]{8}\\.[0-9]+"))) {
            cas.addAll(PemReader.readCertificates(f));
          }
        }
      } catch (IOException e) {
        throw new TlsMaterialException(dir, "cannot list the CA directory", e);
      }
      if (cas.isEmpty()) {
        throw new TlsMaterialException(dir, "holds no CA certificate (*.pem, *.crt)");
      }
    }
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (cas.isEmpty()) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (X509Certificate c : cas) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
        tmf.init(ks);
      }
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the platform offers no X.509 trust manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsMaterialException(
          config.caFile().or(config::caPath).orElse(null), "cannot build the trust store: " + e, e);
    }
  }
}
