package dev.mqttls.client.internal;

import dev.mqttls.tls.verify.CertificateRejected;
import dev.mqttls.tls.verify.ChainVerifier;
import dev.mqttls.tls.verify.HostNames;
import dev.mqttls.tls.verify.Purpose;
import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies the broker's certificate with the {@code tls} module's one {@link ChainVerifier} against
 * the configured CAs (or the system store), for TLS server use, then (unless insecure) that it
 * names the host connected to by a DNS or IP subject alternative name ({@link HostNames}, RFC
 * 6125). Doing the name check here rather than through the engine's endpoint identification lets a
 * failure say which names the certificate holds.
 *
 * <p>The host to check is the engine's peer host: the SNI name when one is configured, else the
 * host connected to. One instance serves every connection of a client.
 */
final class ServerCertificateVerifier extends X509ExtendedTrustManager {
  private final ChainVerifier chains;
  private final X509Certificate[] acceptedIssuers;
  private final boolean checkHostname;

  /** Trusts what {@code trustStore} trusts (its accepted issuers become the trust anchors). */
  ServerCertificateVerifier(X509TrustManager trustStore, boolean checkHostname) {
    this(ChainVerifier.trusting(Arrays.asList(trustStore.getAcceptedIssuers())), checkHostname);
  }

  ServerCertificateVerifier(ChainVerifier chains, boolean checkHostname) {
    this.chains = chains;
    this.acceptedIssuers = chains.anchors().toArray(new X509Certificate[0]);
    this.checkHostname = checkHostname;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, authType, engine == null ? null : engine.getPeerHost());
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    String host =
        socket != null && socket.getRemoteSocketAddress() instanceof java.net.InetSocketAddress a
            ? a.getHostString()
            : null;
    verify(chain, authType, host);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain, authType, null);
  }

  private void verify(X509Certificate[] chain, String authType, String expectedHost)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new ServerCertificateRejected(
          dev.mqttls.tls.verify.CertificateError.NO_CERTIFICATE,
          "the broker sent no certificate",
          null);
    }
    X509Certificate leaf = chain[0];
    String subject = leaf.getSubjectX500Principal().getName();
    try {
      chains.verify(Arrays.asList(chain), Purpose.SERVER_AUTH, authType, Instant.now());
    } catch (CertificateRejected r) {
      throw new ServerCertificateRejected(r.error(), sentence(r, chain, subject), r);
    }
    if (checkHostname) {
      if (expectedHost == null) {
        throw new ServerCertificateRejected(
            dev.mqttls.tls.verify.CertificateError.NAME_MISMATCH,
            "the host name to verify the broker's certificate against is unknown",
            null);
      }
      checkName(leaf, subject, expectedHost);
    }
  }

  /** The user's sentence for a refusal; what to do comes with it. */
  private static String sentence(CertificateRejected r, X509Certificate[] chain, String subject) {
    X509Certificate at = r.certificate().orElse(chain[0]);
    boolean leaf = at == chain[0];
    String which = at.getSubjectX500Principal().getName();
    switch (r.error()) {
      case EXPIRED:
        return leaf
            ? "the broker's certificate (" + subject + ") has expired"
            : "a certificate in the broker's chain (" + which + ") has expired";
      case NOT_YET_VALID:
        return leaf
            ? "the broker's certificate (" + subject + ") is not valid yet: check the clock"
            : "a certificate in the broker's chain (" + which + ") is not valid yet";
      case SELF_SIGNED:
        return "the broker's certificate ("
            + subject
            + ") is self-signed and not trusted: pass it (or its CA) with --cafile";
      case UNKNOWN_ISSUER:
        return "the broker's certificate ("
            + subject
            + ") is not signed by a trusted CA (its chain ends at "
            + chain[chain.length - 1].getIssuerX500Principal().getName()
            + "): pass that CA with --cafile";
      case ISSUER_KEY_MISMATCH:
        return "the broker's certificate ("
            + subject
            + ") is not signed by a trusted CA: "
            + r.getMessage()
            + " (the CA was regenerated with the same name?): pass the CA that issued it with"
            + " --cafile";
      case WRONG_PURPOSE:
        return "the broker's certificate ("
            + subject
            + ") is not for a TLS server: "
            + r.getMessage();
      default:
        return "the broker's certificate chain is invalid: " + r.getMessage();
    }
  }

  private static void checkName(X509Certificate leaf, String subject, String expectedHost)
      throws CertificateException {
    List<String> names;
    try {
      if (HostNames.matches(leaf, expectedHost)) {
        return;
      }
      names = new ArrayList<>(HostNames.dnsNames(leaf));
      names.addAll(HostNames.ipAddresses(leaf));
    } catch (CertificateRejected r) {
      throw new ServerCertificateRejected(
          r.error(), "the broker's certificate has unreadable subject alternative names", r);
    }
    throw new ServerCertificateRejected(
        dev.mqttls.tls.verify.CertificateError.NAME_MISMATCH,
        "you connected to "
            + expectedHost
            + " but the broker's certificate ("
            + subject
            + ") names "
            + (names.isEmpty()
                ? "no host (it has no subject alternative name)"
                : String.join(", ", names))
            + ": connect by one of those names, or reissue the certificate with "
            + expectedHost
            + " in its SAN (--insecure skips this check, for development only)",
        null);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a client does not verify client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a client does not verify client certificates");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("a client does not verify client certificates");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return acceptedIssuers.clone();
  }

  /** Host name rules; kept for callers of the old name, the rules live in {@link HostNames}. */
  static final class HostnameMatcher {
    private HostnameMatcher() {}

    static String normalize(String host) {
      return HostNames.normalize(host);
    }

    static boolean dnsMatches(String pattern, String host) {
      return HostNames.dnsMatches(pattern, host);
    }

    static boolean isIpAddress(String host) {
      return HostNames.isIpAddress(host);
    }

    static InetAddress parseIp(String literal) {
      return HostNames.parseIp(literal);
    }
  }
}
