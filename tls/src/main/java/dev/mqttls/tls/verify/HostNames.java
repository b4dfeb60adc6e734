package dev.mqttls.tls.verify;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Whether a server certificate names the host connected to: RFC 6125 section 6.4 rules on DNS and
 * IP subject alternative names. The subject's common name is never used, as browsers and OpenSSL's
 * host name checks no longer do. One implementation for the client and the doctor.
 */
public final class HostNames {
  private HostNames() {}

  /** The DNS subject alternative names. */
  public static List<String> dnsNames(X509Certificate c) throws CertificateRejected {
    return sans(c, 2);
  }

  /** The IP subject alternative names, as the JDK prints them. */
  public static List<String> ipAddresses(X509Certificate c) throws CertificateRejected {
    return sans(c, 7);
  }

  /** Whether {@code leaf} names {@code host} (a DNS name or an IP literal). */
  public static boolean matches(X509Certificate leaf, String host) throws CertificateRejected {
    if (isIpAddress(host)) {
      InetAddress want = parseIp(host);
      for (String ip : ipAddresses(leaf)) {
        InetAddress have = parseIp(ip);
        if (have != null && have.equals(want)) {
          return true;
        }
      }
      return false;
    }
    String h = normalize(host);
    for (String name : dnsNames(leaf)) {
      if (dnsMatches(normalize(name), h)) {
        return true;
      }
    }
    return false;
  }

  /** Lower case, without a trailing dot. */
  public static String normalize(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** A wildcard matches exactly one whole left-most label, and never a public suffix alone. */
  public static boolean dnsMatches(String pattern, String host) {
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

  /** Whether {@code host} is an IPv4 or IPv6 literal. */
  public static boolean isIpAddress(String host) {
    return host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  }

  /** The address of an IP literal (never a DNS lookup), or null when it is not one. */
  public static InetAddress parseIp(String literal) {
    if (!isIpAddress(literal)) {
      return null;
    }
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  private static List<String> sans(X509Certificate c, int type) throws CertificateRejected {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(type).equals(san.get(0)) && san.get(1) instanceof String s) {
            out.add(s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new CertificateRejected(
          CertificateError.INVALID,
          c,
          0,
          ChainVerifier.subject(c) + " has unreadable subject alternative names");
    }
    return out;
  }
}
