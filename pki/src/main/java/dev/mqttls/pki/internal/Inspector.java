package dev.mqttls.pki.internal;

import dev.mqttls.pki.CertificateInfo;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a certificate's facts and checks it against a CA, for {@code pki show}. The check is the
 * JDK's PKIX plus the root's own dates, as the {@code tls} module's chain verifier (which this
 * module may not depend on) and OpenSSL judge it.
 */
public final class Inspector {
  private Inspector() {}

  /** Whether {@code cert} chains to {@code root} (through {@code intermediate} when not null). */
  public static CertificateInfo.Verification verify(
      X509Certificate cert, X509Certificate root, X509Certificate intermediate) {
    if (cert.equals(root)) {
      return new CertificateInfo.Verification(true, "this is the CA's root certificate");
    }
    if (cert.equals(intermediate)) {
      return new CertificateInfo.Verification(true, "this is the CA's issuing intermediate");
    }
    List<X509Certificate> path = new ArrayList<>();
    path.add(cert);
    if (intermediate != null
        && cert.getIssuerX500Principal().equals(intermediate.getSubjectX500Principal())) {
      path.add(intermediate);
    } else if (!cert.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
      return new CertificateInfo.Verification(
          false, "not issued by this CA (issuer " + cert.getIssuerX500Principal().getName() + ")");
    }
    try {
      cert.verify(
          path.get(path.size() - 1) == cert ? root.getPublicKey() : intermediate.getPublicKey());
    } catch (java.security.SignatureException | java.security.InvalidKeyException e) {
      return new CertificateInfo.Verification(
          false, "the signature does not match this CA's key (same issuer name, different CA)");
    } catch (Exception e) {
      return new CertificateInfo.Verification(false, Keys.oneLine(e));
    }
    // The JDK's PKIX ignores the trust anchor's own dates; the verifiers devices and our broker
    // use (OpenSSL, tls.verify.ChainVerifier) do not, so neither does this answer.
    Date now = new Date();
    if (now.after(root.getNotAfter())) {
      return new CertificateInfo.Verification(
          false, "the CA's root certificate expired " + root.getNotAfter().toInstant());
    }
    if (now.before(root.getNotBefore())) {
      return new CertificateInfo.Verification(
          false,
          "the CA's root certificate is not valid before " + root.getNotBefore().toInstant());
    }
    try {
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      params.setRevocationEnabled(false);
      params.setDate(now);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
      return new CertificateInfo.Verification(
          true, "verifies against " + root.getSubjectX500Principal().getName());
    } catch (CertPathValidatorException e) {
      String why =
          switch (e.getReason() instanceof CertPathValidatorException.BasicReason b
              ? b
              : CertPathValidatorException.BasicReason.UNSPECIFIED) {
            case EXPIRED -> "expired";
            case NOT_YET_VALID -> "not yet valid";
            case INVALID_SIGNATURE -> "a signature in the chain does not verify";
            default -> Keys.oneLine(e);
          };
      return new CertificateInfo.Verification(false, why);
    } catch (Exception e) {
      return new CertificateInfo.Verification(false, Keys.oneLine(e));
    }
  }

  /** The readable facts of a certificate. */
  public static CertificateInfo describe(
      X509Certificate cert,
      Optional<CertificateInfo.Verification> verification,
      Optional<Boolean> revoked) {
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dns.add((String) san.get(1));
          } else if (type == 7) {
            ips.add(compactIp((String) san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      dns.add("(unreadable SAN extension)");
    }
    List<String> ekus = new ArrayList<>();
    try {
      if (cert.getExtendedKeyUsage() != null) {
        for (String oid : cert.getExtendedKeyUsage()) {
          ekus.add(
              switch (oid) {
                case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
                case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
                case "1.3.6.1.5.5.7.3.3" -> "codeSigning";
                case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
                default -> oid;
              });
        }
      }
    } catch (CertificateParsingException e) {
      ekus.add("(unreadable EKU extension)");
    }
    PublicKey key = cert.getPublicKey();
    return new CertificateInfo(
        cert.getSubjectX500Principal().getName(),
        cert.getIssuerX500Principal().getName(),
        cert.getSerialNumber(),
        cert.getNotBefore().toInstant(),
        cert.getNotAfter().toInstant(),
        dns,
        ips,
        ekus,
        key.getAlgorithm(),
        Keys.bits(key),
        fingerprint(cert),
        cert.getBasicConstraints() >= 0,
        verification,
        revoked);
  }

  private static String fingerprint(X509Certificate cert) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(sb.length() == 0 ? "" : ":").append(String.format(Locale.ROOT, "%02X", b));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An IP address as people write it: the JDK prints IPv6 in full ({@code 0:0:0:0:0:0:0:1}); this
   * shortens the longest run of zero groups to {@code ::} (RFC 5952).
   */
  static String compactIp(String ip) {
    if (!ip.contains(":")) {
      return ip;
    }
    String[] groups = ip.split(":", -1);
    if (groups.length != 8) {
      return ip;
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i].equals("0")) {
        int j = i;
        while (j < 8 && groups[j].equals("0")) {
          j++;
        }
        if (j - i > bestLen) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestStart < 0) {
      return ip;
    }
    String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
    String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, 8));
    return head + "::" + tail;
  }
}
