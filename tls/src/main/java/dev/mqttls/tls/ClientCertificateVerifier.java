package dev.mqttls.tls;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Verifies client certificates for one listener: chain to a CA in cafile/capath (PKIX, no
 * revocation lookups over the network), then validity and the crlfile. Each rejection is a {@link
 * ClientCertificateRejected} carrying a named cause. Shared by all connections of one material
 * generation; {@link ListenerTrustManager} is the trust manager the engines call.
 */
final class ClientCertificateVerifier {
  /** A CRL with the file it came from, for log lines. */
  record LoadedCrl(X509CRL crl, Path file, X509Certificate issuer) {}

  private final Set<TrustAnchor> anchors;
  private final java.util.Map<X500Principal, List<X509Certificate>> anchorsBySubject;
  private final X509Certificate[] acceptedIssuers;
  private final Set<X509Certificate> anchorCerts; // for isAnchor, on every handshake
  private final List<LoadedCrl> crls;
  private final boolean refuseExpiredCrl;
  private final CertIdentity identityKind;
  private final String caDescription;

  ClientCertificateVerifier(
      List<X509Certificate> cas,
      List<LoadedCrl> crls,
      boolean refuseExpiredCrl,
      CertIdentity identityKind,
      String caDescription) {
    Set<TrustAnchor> a = new LinkedHashSet<>();
    for (X509Certificate c : cas) {
      a.add(new TrustAnchor(c, null));
    }
    this.anchors = Set.copyOf(a);
    java.util.Map<X500Principal, List<X509Certificate>> by = new java.util.HashMap<>();
    for (X509Certificate c : cas) {
      by.computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>()).add(c);
    }
    this.anchorsBySubject = java.util.Map.copyOf(by);
    this.acceptedIssuers = cas.toArray(new X509Certificate[0]);
    this.anchorCerts = Set.copyOf(cas);
    this.crls = List.copyOf(crls);
    this.refuseExpiredCrl = refuseExpiredCrl;
    this.identityKind = identityKind;
    this.caDescription = caDescription;
  }

  /** Full verification as done in the handshake; returns the identity of the leaf. */
  DeviceIdentity verify(X509Certificate[] chain) throws ClientCertificateRejected {
    if (chain == null || chain.length == 0) {
      throw new ClientCertificateRejected(
          HandshakeFailureCause.NO_CLIENT_CERTIFICATE,
          "no client certificate, and this listener requires one (require_certificate true)");
    }
    X509Certificate leaf = chain[0];
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (isAnchor(c)) {
        break; // the client sent the root too: the path ends before the trust anchor
      }
      path.add(c);
    }
    byte[] chainDigest = path.isEmpty() ? null : digest(path);
    if (chainDigest != null) {
      DeviceIdentity known = verifiedChains.get(ByteBuffer.wrap(chainDigest));
      if (known != null && currentlyValid(path)) {
        checkRevocation(chain);
        return known;
      }
    }
    String subject = subject(leaf);
    if (!path.isEmpty() && !FastPathVerifier.verifies(path, anchorsBySubject, new Date())) {
      // Anything the fast path does not vouch for gets the full PKIX validation, which also
      // names the reason precisely.
      try {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        CertPath cp = cf.generateCertPath(path);
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(cp, params);
      } catch (CertPathValidatorException e) {
        X509Certificate at =
            e.getIndex() >= 0 && e.getIndex() < path.size() ? path.get(e.getIndex()) : leaf;
        CertPathValidatorException.Reason r = e.getReason();
        if (r == CertPathValidatorException.BasicReason.EXPIRED) {
          throw new ClientCertificateRejected(
              HandshakeFailureCause.CLIENT_CERT_EXPIRED,
              "client certificate "
                  + (at == leaf ? subject : subject + " (its CA " + subject(at) + ")")
                  + " expired "
                  + at.getNotAfter().toInstant());
        }
        if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          throw new ClientCertificateRejected(
              HandshakeFailureCause.CLIENT_CERT_NOT_YET_VALID,
              "client certificate "
                  + subject
                  + " not valid before "
                  + at.getNotBefore().toInstant()
                  + " (check the device's clock)");
        }
        if (r == PKIXReason.NO_TRUST_ANCHOR) {
          throw new ClientCertificateRejected(
              HandshakeFailureCause.CLIENT_CERT_UNTRUSTED_ISSUER,
              "client certificate "
                  + subject
                  + " not signed by a CA in "
                  + caDescription
                  + " (issuer "
                  + chain[chain.length - 1].getIssuerX500Principal().getName()
                  + ")");
        }
        throw new ClientCertificateRejected(
            HandshakeFailureCause.CLIENT_CERT_INVALID,
            "client certificate " + subject + " invalid: " + r + " at " + subject(at));
      } catch (GeneralSecurityException e) {
        throw new ClientCertificateRejected(
            HandshakeFailureCause.CLIENT_CERT_INVALID,
            "client certificate " + subject + " cannot be checked: " + e);
      }
    }
    checkClientUsage(leaf);
    checkRevocation(chain);
    DeviceIdentity identity = identityOf(leaf); // refuses now if the identity field is missing
    if (chainDigest != null) {
      rememberVerified(chainDigest, identity);
    }
    return identity;
  }

  private static void checkClientUsage(X509Certificate leaf) throws ClientCertificateRejected {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku != null && !eku.contains("1.3.6.1.5.5.7.3.2") && !eku.contains("2.5.29.37.0")) {
        throw new ClientCertificateRejected(
            HandshakeFailureCause.CLIENT_CERT_INVALID,
            "client certificate "
                + subject(leaf)
                + " is not for client authentication (extendedKeyUsage lacks clientAuth)",
            ClientCertificateRejected.UNSUPPORTED_CERTIFICATE);
      }
    } catch (java.security.cert.CertificateParsingException e) {
      throw new ClientCertificateRejected(
          HandshakeFailureCause.CLIENT_CERT_INVALID,
          "client certificate " + subject(leaf) + " has an unreadable extendedKeyUsage");
    }
  }

  // Devices reconnect with the same certificate: a chain whose signatures, path, usage and
  // identity were checked against this generation's CAs need not be checked again. Dates and the
  // CRL are still checked on every handshake. Bounded; cleared when full.
  private static final int VERIFIED_CACHE_MAX = 100_000;
  private final ConcurrentHashMap<ByteBuffer, DeviceIdentity> verifiedChains =
      new ConcurrentHashMap<>();

  private void rememberVerified(byte[] chainDigest, DeviceIdentity identity) {
    if (verifiedChains.size() >= VERIFIED_CACHE_MAX) {
      verifiedChains.clear();
    }
    verifiedChains.put(ByteBuffer.wrap(chainDigest), identity);
  }

  private static boolean currentlyValid(List<X509Certificate> path) {
    Date now = new Date();
    for (X509Certificate c : path) {
      if (now.before(c.getNotBefore()) || now.after(c.getNotAfter())) {
        return false;
      }
    }
    return true;
  }

  private static byte[] digest(List<X509Certificate> path) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (X509Certificate c : path) {
        md.update(c.getEncoded());
      }
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void checkRevocation(X509Certificate[] chain) throws ClientCertificateRejected {
    if (crls.isEmpty()) {
      return;
    }
    Date now = new Date();
    for (X509Certificate c : chain) {
      if (isAnchor(c)) {
        break;
      }
      for (LoadedCrl lc : crls) {
        if (!lc.crl().getIssuerX500Principal().equals(c.getIssuerX500Principal())) {
          continue;
        }
        if (refuseExpiredCrl
            && lc.crl().getNextUpdate() != null
            && now.after(lc.crl().getNextUpdate())) {
          throw new ClientCertificateRejected(
              HandshakeFailureCause.CRL_EXPIRED,
              "CRL of "
                  + lc.crl().getIssuerX500Principal().getName()
                  + " in "
                  + lc.file().getFileName()
                  + " expired "
                  + lc.crl().getNextUpdate().toInstant()
                  + " and crl_expired is refuse; publish a fresh CRL");
        }
        X509CRLEntry entry = lc.crl().getRevokedCertificate(c);
        if (entry != null) {
          throw new ClientCertificateRejected(
              HandshakeFailureCause.CLIENT_CERT_REVOKED,
              "client certificate "
                  + subject(c)
                  + " revoked (serial "
                  + hexSerial(c.getSerialNumber())
                  + ", crlfile "
                  + lc.file().getFileName()
                  + ")");
        }
      }
    }
  }

  private boolean isAnchor(X509Certificate c) {
    return anchorCerts.contains(c);
  }

  /** Builds the identity of a verified leaf. */
  DeviceIdentity identityOf(X509Certificate leaf) throws ClientCertificateRejected {
    String dn = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
    String cn = commonName(leaf.getSubjectX500Principal());
    String sha = sha256(leaf);
    String value;
    switch (identityKind) {
      case CN:
        value = cn;
        break;
      case DN:
        value = dn;
        break;
      case SAN_DNS:
        value = firstSan(leaf, 2);
        break;
      case SAN_URI:
        value = firstSan(leaf, 6);
        break;
      case SAN_EMAIL:
        value = firstSan(leaf, 1);
        break;
      case SERIAL:
        value = hexSerial(leaf.getSerialNumber());
        break;
      case SHA256:
        value = sha;
        break;
      default:
        throw new IllegalStateException();
    }
    if (value == null || value.isEmpty()) {
      throw new ClientCertificateRejected(
          HandshakeFailureCause.CLIENT_CERT_NO_IDENTITY,
          "client certificate "
              + subject(leaf)
              + " has no "
              + identityKind.directiveName()
              + " field, and cert_identity "
              + identityKind.directiveName()
              + " needs one");
    }
    return new DeviceIdentity(identityKind, value, dn, cn, leaf.getSerialNumber(), sha, leaf);
  }

  static String hexSerial(BigInteger serial) {
    return serial.toString(16).toUpperCase(Locale.ROOT);
  }

  static String subject(X509Certificate c) {
    String cn = commonName(c.getSubjectX500Principal());
    return cn != null ? "CN=" + cn : c.getSubjectX500Principal().getName();
  }

  static String commonName(X500Principal p) {
    try {
      LdapName name = new LdapName(p.getName(X500Principal.RFC2253));
      List<Rdn> rdns = name.getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdns.get(i).getValue());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  private static String firstSan(X509Certificate c, int type) {
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      if (sans == null) {
        return null;
      }
      for (List<?> san : sans) {
        if (san.size() >= 2 && ((Integer) san.get(0)) == type) {
          return String.valueOf(san.get(1));
        }
      }
    } catch (CertificateException e) {
      return null;
    }
    return null;
  }

  private static String sha256(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CAs of cafile/capath, for the CertificateRequest. */
  X509Certificate[] acceptedIssuers() {
    return acceptedIssuers.clone();
  }
}
