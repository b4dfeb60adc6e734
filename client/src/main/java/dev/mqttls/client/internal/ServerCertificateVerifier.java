package dev.mqttls.client.internal;

import java.net.InetAddress;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies the broker's certificate: first the chain with the platform's PKIX validator against the
 * configured CAs, then (unless insecure) that it names the host connected to by a DNS or IP subject
 * alternative name (RFC 6125; the subject CN is not used, as browsers and OpenSSL's hostname checks
 * no longer do). Doing the name check here rather than through the engine's endpoint identification
 * lets a failure say which names the certificate holds.
 *
 * <p>The host to check is the engine's peer host: the SNI name when one is configured, else the
 * host connected to. One instance serves every connection of a client.
 */
final class ServerCertificateVerifier extends X509ExtendedTrustManager {
  private final X509TrustManager chainValidator;
  private final boolean checkHostname;

  ServerCertificateVerifier(X509TrustManager chainValidator, boolean checkHostname) {
    this.chainValidator = chainValidator;
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
          ServerCertificateRejected.Reason.INVALID, "the broker sent no certificate", null);
    }
    X509Certificate leaf = chain[0];
    String subject = leaf.getSubjectX500Principal().getName();
    try {
      chainValidator.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      throw classify(e, chain, subject);
    }
    if (checkHostname) {
      if (expectedHost == null) {
        throw new ServerCertificateRejected(
            ServerCertificateRejected.Reason.HOSTNAME_MISMATCH,
            "the host name to verify the broker's certificate against is unknown",
            null);
      }
      checkName(leaf, subject, expectedHost);
    }
  }

  private ServerCertificateRejected classify(
      CertificateException e, X509Certificate[] chain, String subject) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return new ServerCertificateRejected(
            ServerCertificateRejected.Reason.EXPIRED,
            "the broker's certificate (" + subject + ") has expired",
            e);
      }
      if (t instanceof CertificateNotYetValidException) {
        return new ServerCertificateRejected(
            ServerCertificateRejected.Reason.NOT_YET_VALID,
            "the broker's certificate (" + subject + ") is not valid yet: check the clock",
            e);
      }
      if (t instanceof CertPathValidatorException cpve) {
        if (cpve.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
          return new ServerCertificateRejected(
              ServerCertificateRejected.Reason.EXPIRED,
              "a certificate in the broker's chain (" + subject + ") has expired",
              e);
        }
        if (cpve.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          return new ServerCertificateRejected(
              ServerCertificateRejected.Reason.NOT_YET_VALID,
              "a certificate in the broker's chain (" + subject + ") is not valid yet",
              e);
        }
        if (cpve.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
          return new ServerCertificateRejected(
              ServerCertificateRejected.Reason.REVOKED,
              "the broker's certificate (" + subject + ") is revoked",
              e);
        }
      }
    }
    X509Certificate leaf = chain[0];
    if (chain.length == 1 && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
      return new ServerCertificateRejected(
          ServerCertificateRejected.Reason.SELF_SIGNED,
          "the broker's certificate ("
              + subject
              + ") is self-signed and not trusted: pass it (or its CA) with --cafile",
          e);
    }
    X509Certificate top = chain[chain.length - 1];
    return new ServerCertificateRejected(
        ServerCertificateRejected.Reason.UNTRUSTED_ISSUER,
        "the broker's certificate ("
            + subject
            + ") is not signed by a trusted CA (its chain ends at "
            + top.getIssuerX500Principal().getName()
            + "): pass that CA with --cafile",
        e);
  }

  private static void checkName(X509Certificate leaf, String subject, String expectedHost)
      throws ServerCertificateRejected {
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          Object type = san.get(0);
          Object value = san.get(1);
          if (Integer.valueOf(2).equals(type) && value instanceof String s) {
            dns.add(s);
          } else if (Integer.valueOf(7).equals(type) && value instanceof String s) {
            ips.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new ServerCertificateRejected(
          ServerCertificateRejected.Reason.INVALID,
          "the broker's certificate has unreadable subject alternative names",
          e);
    }
    if (HostnameMatcher.isIpAddress(expectedHost)) {
      InetAddress want = HostnameMatcher.parseIp(expectedHost);
      for (String ip : ips) {
        InetAddress have = HostnameMatcher.parseIp(ip);
        if (have != null && have.equals(want)) {
          return;
        }
      }
    } else {
      String host = HostnameMatcher.normalize(expectedHost);
      for (String name : dns) {
        if (HostnameMatcher.dnsMatches(HostnameMatcher.normalize(name), host)) {
          return;
        }
      }
    }
    List<String> names = new ArrayList<>(dns);
    names.addAll(ips);
    throw new ServerCertificateRejected(
        ServerCertificateRejected.Reason.HOSTNAME_MISMATCH,
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
    return chainValidator.getAcceptedIssuers();
  }

  /** Host name rules of RFC 6125 section 6.4, kept apart so they can be tested alone. */
  static final class HostnameMatcher {
    private HostnameMatcher() {}

    static String normalize(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** A wildcard matches exactly one whole left-most label, and never a public suffix alone. */
    static boolean dnsMatches(String pattern, String host) {
      if (!pattern.startsWith("*.")) {
        return pattern.equals(host);
      }
      String suffix = pattern.substring(1);
      if (suffix.indexOf('.', 1) < 0) {
        return false;
      }
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(suffix);
    }

    static boolean isIpAddress(String host) {
      return host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    }

    static InetAddress parseIp(String literal) {
      if (!isIpAddress(literal)) {
        return null;
      }
      try {
        // a literal never triggers a DNS lookup
        return InetAddress.getByName(literal);
      } catch (java.net.UnknownHostException e) {
        return null;
      }
    }
  }
}
