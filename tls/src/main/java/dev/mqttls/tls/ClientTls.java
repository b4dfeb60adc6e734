package dev.mqttls.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of TLS: builds an {@link SslContext} from {@link ClientTlsSettings} once, then a
 * handler per connection with SNI and host name verification set. Thread-safe.
 */
public final class ClientTls {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.tls");

  private final ClientTlsSettings settings;
  private final SslContext context;

  private ClientTls(ClientTlsSettings settings, SslContext context) {
    this.settings = settings;
    this.context = context;
  }

  /**
   * Loads the CA, client certificate and key, and builds the context.
   *
   * @throws TlsMaterialException naming the file at fault
   */
  public static ClientTls create(ClientTlsSettings settings) throws TlsMaterialException {
    SslProvider provider =
        settings.engine() == TlsEngine.OPENSSL && OpenSsl.isAvailable()
            ? SslProvider.OPENSSL
            : SslProvider.JDK;
    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider);
    b.protocols(settings.protocols());
    if (!settings.cipherSuites().isEmpty()) {
      b.ciphers(settings.cipherSuites(), SupportedCipherSuiteFilter.INSTANCE);
    }
    if (settings.insecure()) {
      LOG.warn(
          "TLS verification of the broker is OFF (insecure): anyone on the network path can"
              + " impersonate the broker");
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else if (!settings.systemTrust()) {
      List<X509Certificate> cas = new ArrayList<>();
      if (settings.caFile().isPresent()) {
        cas.addAll(PemReader.readCertificates(settings.caFile().get()));
      }
      if (settings.caPath().isPresent()) {
        Path dir = settings.caPath().get();
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : (Iterable<Path>) files.sorted()::iterator) {
            if (Files.isRegularFile(f)) {
              try {
                cas.addAll(PemReader.readCertificates(f));
              } catch (TlsMaterialException e) {
                LOG.debug("capath: skipping {}", e.getMessage());
              }
            }
          }
        } catch (IOException e) {
          throw new TlsMaterialException(dir, "cannot list the CA directory: " + e, e);
        }
        if (cas.isEmpty()) {
          throw new TlsMaterialException(dir, "holds no CA certificate");
        }
      }
      b.trustManager(trustManagerFactory(cas));
    }
    char[] pw = settings.password();
    if (settings.keyStore().isPresent()) {
      TlsMaterial m = TlsMaterial.loadKeyStore(settings.keyStore().get(), pw);
      b.keyManager(m.privateKey(), m.chain());
    } else if (settings.certFile().isPresent()) {
      TlsMaterial m = TlsMaterial.load(settings.certFile().get(), settings.keyFile().get(), pw);
      b.keyManager(m.privateKey(), m.chain());
    }
    if (!settings.alpn().isEmpty()) {
      b.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              settings.alpn()));
    }
    if (settings.hostnameVerification()) {
      b.endpointIdentificationAlgorithm("HTTPS");
    } else {
      b.endpointIdentificationAlgorithm(null);
    }
    try {
      return new ClientTls(settings, b.build());
    } catch (SSLException | RuntimeException e) {
      throw new TlsMaterialException(
          settings.certFile().orElse(null), "cannot build the client TLS context: " + e, e);
    }
  }

  private static TrustManagerFactory trustManagerFactory(List<X509Certificate> cas)
      throws TlsMaterialException {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : cas) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      return tmf;
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsMaterialException(null, "cannot build the trust store: " + e, e);
    }
  }

  /**
   * A handler for one connection to {@code host:port}: SNI is the configured server name or the
   * host (when it is a DNS name), and the broker's certificate must name it.
   */
  public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
    String peer = settings.serverName().orElse(host);
    SslHandler h = context.newHandler(alloc, peer, port);
    SSLEngine e = h.engine();
    SSLParameters p = e.getSSLParameters();
    if (settings.hostnameVerification()) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    e.setSSLParameters(p);
    return h;
  }

  /** The context, for callers that build their own handlers. */
  public SslContext sslContext() {
    return context;
  }

  /** The settings. */
  public ClientTlsSettings settings() {
    return settings;
  }
}
