package dev.mqttls.interop.websocket;

import dev.mqttls.tls.PemReader;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A JDK {@link SSLContext} from PEM files, for peers (Paho, the JDK's WebSocket) that take one. */
final class JdkTls {
  private JdkTls() {}

  /** Trusts {@code ca}; presents {@code cert}/{@code key} when both are given. */
  static SSLContext context(Path ca, Path cert, Path key) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (X509Certificate c : PemReader.readCertificates(ca)) {
        trust.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (cert != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        List<X509Certificate> chain = PemReader.readCertificates(cert);
        keys.setKeyEntry(
            "device",
            PemReader.readPrivateKey(key, null),
            new char[0],
            chain.toArray(new X509Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new AssertionError("cannot build a JDK SSLContext from " + ca + ": " + e, e);
    }
  }
}
