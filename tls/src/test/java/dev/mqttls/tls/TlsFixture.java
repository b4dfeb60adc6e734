package dev.mqttls.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/** A CA, a server certificate for localhost/127.0.0.1, and a settings builder pointing at them. */
final class TlsFixture {
  final Path dir;
  final TestPki.Issued ca;
  final TestPki.Issued server;
  final Path caFile;
  final Path certFile;
  final Path keyFile;

  TlsFixture(Path dir) {
    this.dir = dir;
    ca = TestPki.ca("Test CA");
    server = TestPki.server(ca, "localhost", "localhost", "127.0.0.1");
    caFile = TestPki.write(dir.resolve("ca.crt"), TestPki.pem(ca.cert()));
    Path[] p = TestPki.writePair(dir, "server", server);
    certFile = p[0];
    keyFile = p[1];
  }

  ServerTlsSettings.Builder settings() {
    return ServerTlsSettings.builder(dir)
        .directive("cafile", List.of("ca.crt"))
        .directive("certfile", List.of("server.crt"))
        .directive("keyfile", List.of("server.key"));
  }

  ServerTlsSettings.Builder mutual() {
    return settings().directive("require_certificate", List.of("true"));
  }

  /** A JDK client context trusting {@code trust} and presenting {@code client} (may be null). */
  static SSLContext clientContext(TestPki.Issued trust, TestPki.Issued client) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", trust.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ts);
    KeyManagerFactory kmf = null;
    List<X509Certificate> chain = client == null ? List.of() : new ArrayList<>(client.chain());
    if (client != null) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(
          "me",
          client.keys().getPrivate(),
          "pw".toCharArray(),
          chain.toArray(new X509Certificate[0]));
      kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, "pw".toCharArray());
    }
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(
        kmf == null
            ? null
            : new KeyManager[] {
              new AlwaysPresent(client.keys().getPrivate(), chain.toArray(new X509Certificate[0]))
            },
        tmf.getTrustManagers(),
        null);
    return c;
  }

  /**
   * Presents the client certificate whatever CA names the server lists, as mosquitto_pub and most
   * devices do (the JDK's own key manager would silently send none).
   */
  static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    AlwaysPresent(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "me";
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "me";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"me"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  /**
   * Connects, handshakes, writes a probe and reads its echo. Returns null on success or the
   * exception the client saw (handshake or first read).
   */
  static Exception roundTrip(SSLContext ctx, int port, String... protocols) {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      if (protocols.length > 0) {
        s.setEnabledProtocols(protocols);
      }
      s.startHandshake();
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {1, 2, 3});
      out.flush();
      InputStream in = s.getInputStream();
      byte[] b = new byte[3];
      int n = 0;
      while (n < 3) {
        int r = in.read(b, n, 3 - n);
        if (r < 0) {
          throw new IOException("closed by server after the handshake");
        }
        n += r;
      }
      return null;
    } catch (Exception e) {
      return e;
    }
  }
}
