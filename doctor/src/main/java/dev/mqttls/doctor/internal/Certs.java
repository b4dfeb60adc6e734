package dev.mqttls.doctor.internal;

import dev.mqttls.tls.verify.HostNames;
import java.net.InetAddress;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Small facts about certificates, in the words the doctor prints. */
public final class Certs {
  private Certs() {}

  /** Extended key usage OIDs the doctor talks about. */
  public static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  /** Extended key usage OID for TLS client authentication. */
  public static final String EKU_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  /** The subject DN in RFC 2253 form. */
  public static String subject(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  /** The issuer DN in RFC 2253 form. */
  public static String issuer(X509Certificate c) {
    return c.getIssuerX500Principal().getName();
  }

  /** True when the certificate names itself as issuer and its own key verifies its signature. */
  public static boolean selfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal())
        && signedBy(c, c.getPublicKey());
  }

  /** True when {@code key} verifies the signature on {@code c}. */
  public static boolean signedBy(X509Certificate c, PublicKey key) {
    try {
      c.verify(key);
      return true;
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** True when {@code issuer} is named as issuer of {@code c} and its key signed it. */
  public static boolean issued(X509Certificate issuer, X509Certificate c) {
    return c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
        && signedBy(c, issuer.getPublicKey());
  }

  /** The DNS names among the subject alternative names. */
  public static List<String> dnsNames(X509Certificate c) {
    return sans(c, 2);
  }

  /** The IP addresses among the subject alternative names. */
  public static List<String> ipAddresses(X509Certificate c) {
    return sans(c, 7);
  }

  private static List<String> sans(X509Certificate c, int type) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> all = c.getSubjectAlternativeNames();
      if (all != null) {
        for (List<?> e : all) {
          if (e.size() >= 2 && e.get(0) instanceof Integer t && t == type) {
            out.add(String.valueOf(e.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // An unparsable SAN extension matches nothing; the name check then says so.
    }
    return out;
  }

  /**
   * The command that replaces {@code c} when our pki issued it: renew for a leaf (its CN is the pki
   * id), a rollover for a CA.
   */
  public static String renewCommand(X509Certificate c) {
    if (c.getBasicConstraints() >= 0) {
      return "mqttls pki ca rollover (see docs/ca-rollover.md)";
    }
    String cn = commonName(c);
    return "mqttls pki renew " + (cn == null || cn.isEmpty() ? "ID" : cn);
  }

  /** The common name of the subject, or null. */
  public static String commonName(X509Certificate c) {
    try {
      javax.naming.ldap.LdapName n = new javax.naming.ldap.LdapName(subject(c));
      for (javax.naming.ldap.Rdn r : n.getRdns()) {
        if (r.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(r.getValue());
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      return null;
    }
    return null;
  }

  /** A short description of the key: "EC P-256", "RSA 2048", "Ed25519". */
  public static String keyDescription(PublicKey k) {
    if (k instanceof RSAPublicKey r) {
      return "RSA " + r.getModulus().bitLength();
    }
    if (k instanceof ECPublicKey e) {
      int bits = e.getParams().getCurve().getField().getFieldSize();
      return "EC "
          + (bits == 256 ? "P-256" : bits == 384 ? "P-384" : bits == 521 ? "P-521" : bits + " bit");
    }
    return k.getAlgorithm();
  }

  /** Whole days from now to the end of validity; negative once expired. */
  public static long daysLeft(X509Certificate c, Instant now) {
    return Duration.between(now, c.getNotAfter().toInstant()).toDays();
  }

  /** One line per interesting field, for a chain listing. */
  public static List<String> describe(X509Certificate c, Instant now) {
    List<String> out = new ArrayList<>();
    out.add("subject: " + subject(c));
    out.add("issuer:  " + issuer(c) + (selfSigned(c) ? " (self-signed)" : ""));
    List<String> names = new ArrayList<>();
    dnsNames(c).forEach(n -> names.add("DNS:" + n));
    ipAddresses(c).forEach(n -> names.add("IP:" + n));
    out.add(
        "names:   "
            + (names.isEmpty() ? "(no subject alternative names)" : String.join(", ", names)));
    out.add("key:     " + keyDescription(c.getPublicKey()) + ", signed with " + c.getSigAlgName());
    long days = daysLeft(c, now);
    String left =
        now.isBefore(c.getNotBefore().toInstant())
            ? "not valid yet"
            : days < 0 ? "EXPIRED " + (-days) + " days ago" : days + " days left";
    out.add(
        "valid:   "
            + c.getNotBefore().toInstant()
            + " .. "
            + c.getNotAfter().toInstant()
            + " ("
            + left
            + ")");
    return out;
  }

  /** True when the private key belongs to the certificate's public key (by signing a nonce). */
  public static boolean keyMatches(PrivateKey key, X509Certificate cert) {
    String alg =
        switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "ED25519" -> "Ed25519";
          case "ED448" -> "Ed448";
          case "RSASSA-PSS" -> "RSASSA-PSS";
          default -> null;
        };
    if (alg == null || !sameFamily(key.getAlgorithm(), cert.getPublicKey().getAlgorithm())) {
      return false;
    }
    return sign(alg, key, cert);
  }

  private static boolean sameFamily(String a, String b) {
    String x = a.equalsIgnoreCase("ECDSA") ? "EC" : a.toUpperCase(Locale.ROOT);
    String y = b.equalsIgnoreCase("ECDSA") ? "EC" : b.toUpperCase(Locale.ROOT);
    return x.equals(y);
  }

  private static boolean sign(String alg, PrivateKey key, X509Certificate cert) {
    try {
      byte[] nonce = new byte[32];
      new java.security.SecureRandom().nextBytes(nonce);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(nonce);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(nonce);
      return v.verify(sig);
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** True when the string is an IPv4 or IPv6 literal (no DNS lookup is made). */
  public static boolean isIpLiteral(String host) {
    if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return true;
    }
    return host.contains(":") && host.matches("[0-9a-fA-F:.%]+");
  }

  /** True when the IP literal equals one of the addresses (compared as addresses). */
  public static boolean ipMatches(String ip, List<String> ips) {
    try {
      InetAddress a = InetAddress.getByName(ip);
      for (String s : ips) {
        if (InetAddress.getByName(s).equals(a)) {
          return true;
        }
      }
    } catch (java.net.UnknownHostException e) {
      return false;
    }
    return false;
  }

  /** RFC 6125 matching of a host name against DNS SANs, with a single left-most wildcard label. */
  public static boolean dnsMatches(String host, List<String> names) {
    String h = HostNames.normalize(host);
    for (String n : names) {
      if (HostNames.dnsMatches(HostNames.normalize(n), h)) {
        return true;
      }
    }
    return false;
  }

  /** The caIssuers URL of the Authority Information Access extension, or null. */
  public static String caIssuersUrl(X509Certificate c) {
    byte[] ext =
        c.getExtensionValue(org.bouncycastle.asn1.x509.Extension.authorityInfoAccess.getId());
    if (ext == null) {
      return null;
    }
    try {
      org.bouncycastle.asn1.x509.AuthorityInformationAccess aia =
          org.bouncycastle.asn1.x509.AuthorityInformationAccess.getInstance(
              org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets());
      for (org.bouncycastle.asn1.x509.AccessDescription d : aia.getAccessDescriptions()) {
        if (d.getAccessMethod().equals(org.bouncycastle.asn1.x509.AccessDescription.id_ad_caIssuers)
            && d.getAccessLocation().getTagNo()
                == org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier) {
          return d.getAccessLocation().getName().toString();
        }
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  /** True when the certificate carries an EKU extension that lacks the given purpose. */
  public static boolean ekuLacks(X509Certificate c, String oid) {
    try {
      List<String> eku = c.getExtendedKeyUsage();
      return eku != null && !eku.contains(oid) && !eku.contains("2.5.29.37.0");
    } catch (CertificateParsingException e) {
      return false;
    }
  }
}
