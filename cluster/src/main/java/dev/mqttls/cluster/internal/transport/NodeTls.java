package dev.mqttls.cluster.internal.transport;

import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.cluster.ClusterConfig;
import dev.mqttls.tls.PemReader;
import dev.mqttls.tls.TlsMaterialException;
import dev.mqttls.tls.client.AlwaysPresentKeyManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSLContext of node-to-node mutual TLS: this node's certificate and key from {@code
 * cluster_certfile}/{@code cluster_keyfile}, and only certificates issued by {@code cluster_cafile}
 * accepted from the other side (in both directions). A refused node is logged once per certificate
 * subject, with the reason.
 */
public final class NodeTls {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  private NodeTls() {}

  /** The context for {@code c}, which has TLS material; throws naming the file that is wrong. */
  public static SSLContext context(ClusterConfig c) {
    try {
      List<X509Certificate> chain = PemReader.readCertificates(c.certFile().orElseThrow());
      PrivateKey key = PemReader.readPrivateKey(c.keyFile().orElseThrow(), null);
      requireBothRoles(chain.get(0), c);
      List<X509Certificate> cas = PemReader.readCertificates(c.caFile().orElseThrow());
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      int i = 0;
      for (X509Certificate ca : cas) {
        ts.setCertificateEntry("ca-" + i++, ca);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      X509ExtendedTrustManager inner = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          inner = x;
        }
      }
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(
          new KeyManager[] {
            AlwaysPresentKeyManager.inBothRoles(key, chain.toArray(new X509Certificate[0]))
          },
          new TrustManager[] {new Refusals(inner)},
          null);
      return ctx;
    } catch (TlsMaterialException e) {
      throw new BrokerStartException("cluster: " + e.getMessage(), null);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new BrokerStartException(
          "cluster: cannot use cluster_certfile/cluster_keyfile/cluster_cafile: " + e.getMessage(),
          e);
    }
  }

  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  /**
   * A node presents its one certificate as TLS server and as TLS client, and the other nodes check
   * the extended key usage for each role: a certificate limited to one role would be refused by
   * every other node (and logged there as not trusted). Said here, at start-up, with the fix.
   */
  private static void requireBothRoles(X509Certificate leaf, ClusterConfig c)
      throws java.security.cert.CertificateParsingException {
    List<String> eku = leaf.getExtendedKeyUsage();
    if (eku == null || eku.contains(ANY_USAGE)) {
      return;
    }
    boolean server = eku.contains(SERVER_AUTH);
    boolean client = eku.contains(CLIENT_AUTH);
    if (server && client) {
      return;
    }
    throw new BrokerStartException(
        "cluster: cluster_certfile "
            + c.certFile().orElseThrow()
            + ": its extended key usage allows "
            + (server ? "serverAuth only" : client ? "clientAuth only" : "neither TLS role")
            + ", but a node presents its certificate both as TLS server and as TLS client; issue"
            + " one with both (mqttls pki node NAME)",
        null);
  }

  /** Checks the other node's chain against cluster_cafile and logs who was refused and why. */
  private static final class Refusals extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager inner;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    Refusals(X509ExtendedTrustManager inner) {
      this.inner = inner;
    }

    /** One of the inner trust manager's checks. */
    @FunctionalInterface
    private interface Check {
      void run() throws CertificateException;
    }

    /**
     * Runs {@code check}; a refusal is logged once per certificate subject and direction (not per
     * peer address: a node retrying from new ports would otherwise log, and be remembered, anew
     * each time), then rethrown.
     */
    private void checked(Check check, X509Certificate[] chain, String direction, Object peer)
        throws CertificateException {
      try {
        check.run();
      } catch (CertificateException e) {
        String subject =
            chain == null || chain.length == 0
                ? "<no certificate>"
                : chain[0].getSubjectX500Principal().getName();
        if (logged.add(subject + " " + direction)) {
          LOG.warn(
              "Cluster: refused node connection ({}{}) with certificate {}: not issued by"
                  + " cluster_cafile ({}); check that every node's certificate comes from the same"
                  + " CA",
              direction,
              peer == null ? "" : " " + peer,
              subject,
              e.getMessage());
        }
        throw e;
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checked(
          () -> inner.checkClientTrusted(chain, authType, socket),
          chain,
          "incoming",
          "from " + peer(socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checked(
          () -> inner.checkServerTrusted(chain, authType, socket),
          chain,
          "outgoing",
          "to " + peer(socket));
    }

    private static String peer(Socket s) {
      return s == null ? "?" : String.valueOf(s.getRemoteSocketAddress());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checked(() -> inner.checkClientTrusted(chain, authType, engine), chain, "incoming", null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checked(() -> inner.checkServerTrusted(chain, authType, engine), chain, "outgoing", null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      checked(() -> inner.checkClientTrusted(chain, authType), chain, "incoming", null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      checked(() -> inner.checkServerTrusted(chain, authType), chain, "outgoing", null);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return inner.getAcceptedIssuers();
    }
  }
}
