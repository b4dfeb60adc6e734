package dev.mqttls.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Vouches for the common device chain (leaf, optional intermediates, a CA from cafile) without the
 * JDK's PKIX machinery: dates, CA flags and path lengths, no unknown critical extension, and each
 * signature. ECDSA signatures are checked with BouncyCastle's P-256/P-384 code, about ten times
 * cheaper than JDK 17's (which costs about a millisecond per verification), so client certificates
 * do not dominate the cost of a mutual-TLS handshake. Returns false for anything unusual; the
 * caller then runs full PKIX validation, which also names the failure.
 */
final class FastPathVerifier {
  private static final Set<String> HANDLED_CRITICAL =
      Set.of("2.5.29.15", "2.5.29.19", "2.5.29.37", "2.5.29.17");
  private static final int KEY_CACHE_MAX = 1024;
  private static final Map<PublicKey, ECPublicKeyParameters> EC_KEYS = new ConcurrentHashMap<>();

  private FastPathVerifier() {}

  static boolean verifies(
      List<X509Certificate> path, Map<X500Principal, List<X509Certificate>> anchors, Date now) {
    try {
      for (int i = 0; i < path.size(); i++) {
        X509Certificate c = path.get(i);
        if (now.before(c.getNotBefore()) || now.after(c.getNotAfter())) {
          return false;
        }
        Set<String> critical = c.getCriticalExtensionOIDs();
        if (critical != null && !HANDLED_CRITICAL.containsAll(critical)) {
          return false;
        }
        if (i > 0) {
          // an intermediate CA: must be a CA, allowed this many CAs below it, and sign certificates
          if (c.getBasicConstraints() < i - 1) {
            return false;
          }
          boolean[] ku = c.getKeyUsage();
          if (ku != null && (ku.length < 6 || !ku[5])) {
            return false;
          }
        }
        if (i + 1 < path.size()) {
          X509Certificate issuer = path.get(i + 1);
          if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
              || !signedBy(c, issuer.getPublicKey())) {
            return false;
          }
        } else {
          List<X509Certificate> candidates = anchors.get(c.getIssuerX500Principal());
          if (candidates == null) {
            return false;
          }
          boolean signed = false;
          for (X509Certificate a : candidates) {
            if (signedBy(c, a.getPublicKey())) {
              signed = true;
              break;
            }
          }
          if (!signed) {
            return false;
          }
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static boolean signedBy(X509Certificate c, PublicKey issuerKey) {
    String oid = c.getSigAlgOID();
    Digest digest;
    switch (oid) {
      case "1.2.840.10045.4.3.2":
        digest = new SHA256Digest();
        break;
      case "1.2.840.10045.4.3.3":
        digest = new SHA384Digest();
        break;
      case "1.2.840.10045.4.3.4":
        digest = new SHA512Digest();
        break;
      default:
        try {
          c.verify(issuerKey);
          return true;
        } catch (GeneralSecurityException | RuntimeException e) {
          return false;
        }
    }
    try {
      ECPublicKeyParameters key = ecKey(issuerKey);
      byte[] tbs = c.getTBSCertificate();
      digest.update(tbs, 0, tbs.length);
      byte[] hash = new byte[digest.getDigestSize()];
      digest.doFinal(hash, 0);
      BigInteger[] rs =
          StandardDSAEncoding.INSTANCE.decode(key.getParameters().getN(), c.getSignature());
      ECDSASigner signer = new ECDSASigner();
      signer.init(false, key);
      return signer.verifySignature(hash, rs[0], rs[1]);
    } catch (java.io.IOException | GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static ECPublicKeyParameters ecKey(PublicKey k) throws java.io.IOException {
    ECPublicKeyParameters p = EC_KEYS.get(k);
    if (p == null) {
      p = (ECPublicKeyParameters) PublicKeyFactory.createKey(k.getEncoded());
      if (EC_KEYS.size() < KEY_CACHE_MAX) {
        EC_KEYS.put(k, p);
      }
    }
    return p;
  }
}
