package dev.mqttls.tls;

import dev.mqttls.tls.verify.CertificateError;
import dev.mqttls.tls.verify.CertificateRejected;
import dev.mqttls.tls.verify.ChainVerifier;
import dev.mqttls.tls.verify.Purpose;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Verifies client certificates for one listener: the chain by the one {@link ChainVerifier} (a CA
 * in cafile/capath, no revocation lookups over the network, clientAuth usage), then the crlfile.
 * Each rejection is a {@link ClientCertificateRejected} whose cause is mapped from the verifier's
 * {@link CertificateError} in {@link HandshakeFailureCause#of}. Shared by all connections of one
 * material generation; {@link ListenerTrustManager} is the trust manager the engines call.
 */
final class ClientCertificateVerifier {
  /** A CRL with the file it came from, for log lines. */
  record LoadedCrl(X509CRL crl, Path file, X509Certificate issuer) {}

  private final ChainVerifier chains;
  private final X509Certificate[] acceptedIssuers;
  private final Set<X509Certificate> anchorCerts;
  private final List<LoadedCrl> crls;
  private final boolean refuseExpiredCrl;
  private final CertIdentity identityKind;
  private final String caDescription;
  private final int maxChainDepth;

  ClientCertificateVerifier(
      List<X509Certificate> cas,
      List<LoadedCrl> crls,
      boolean refuseExpiredCrl,
      CertIdentity identityKind,
      String caDescription,
      int maxChainDepth) {
    this.maxChainDepth = maxChainDepth;
    this.chains = ChainVerifier.trusting(cas);
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
          CertificateError.NO_CERTIFICATE,
          "no client certificate, and this listener requires one (require_certificate true)");
    }
    X509Certificate leaf = chain[0];
    if (chain.length > maxChainDepth) {
      // The engine passes at most maxChainDepth + 1 certificates (see ServerTlsHandler), so a
      // longer chain arrives cut short: named for what it is, not as an unknown issuer.
      throw new ClientCertificateRejected(
          CertificateError.PATH_TOO_LONG,
          "client certificate "
              + ChainVerifier.subject(leaf)
              + " came with a chain of more than "
              + maxChainDepth
              + " certificates (tls_max_chain_depth "
              + maxChainDepth
              + ")");
    }
    try {
      chains.verify(Arrays.asList(chain), Purpose.CLIENT_AUTH, null, Instant.now());
    } catch (CertificateRejected r) {
      throw new ClientCertificateRejected(r.error(), describe(r, chain));
    }
    checkRevocation(chain);
    return identityOf(leaf); // refuses now if the identity field is missing
  }

  /** The operator's sentence for a refusal, in the words the broker has always logged. */
  private String describe(CertificateRejected r, X509Certificate[] chain) {
    X509Certificate leaf = chain[0];
    String subject = subject(leaf);
    X509Certificate at = r.certificate().orElse(leaf);
    String which = at == leaf ? subject : subject + " (its CA " + subject(at) + ")";
    switch (r.error()) {
      case EXPIRED:
        return "client certificate " + which + " expired " + at.getNotAfter().toInstant();
      case NOT_YET_VALID:
        return "client certificate "
            + which
            + " not valid before "
            + at.getNotBefore().toInstant()
            + " (check the device's clock)";
      case UNKNOWN_ISSUER:
      case SELF_SIGNED:
        return "client certificate "
            + subject
            + " not signed by a CA in "
            + caDescription
            + " (issuer "
            + chain[chain.length - 1].getIssuerX500Principal().getName()
            + ")";
      case ISSUER_KEY_MISMATCH:
        return "client certificate "
            + subject
            + " not signed by a CA in "
            + caDescription
            + " (issuer "
            + at.getIssuerX500Principal().getName()
            + "): a CA of that name is there, but not the key that signed it (the CA was"
            + " regenerated with the same name?)";
      case WRONG_PURPOSE:
        return "client certificate "
            + subject
            + " is not for client authentication: "
            + r.getMessage();
      default:
        return "client certificate " + subject + " invalid: " + r.getMessage();
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
              CertificateError.CRL_EXPIRED,
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
              CertificateError.REVOKED,
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
    return ChainVerifier.subject(c);
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
