package dev.mqttls.tls.verify;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Vouches for the common chain (leaf, optional intermediates, a trusted CA) without the JDK's PKIX
 * machinery. ECDSA signatures are checked with BouncyCastle's code, about ten times cheaper than
 * JDK 17's (about a millisecond per verification), so client certificates do not dominate the cost
 * of a mutual-TLS handshake.
 *
 * <p>It may only ever be stricter than PKIX: it answers false for anything it does not fully judge
 * (an algorithm, key size or extension outside a short list), and the caller then runs PKIX, which
 * decides and names the failure. {@code FastPathDifferentialTest} checks this on thousands of
 * generated chains. Unlike the JDK's PKIX it also holds the trust anchor to its own validity dates
 * and path length, as OpenSSL does.
 *
 * <p>Thread-safe; owns bounded caches of decoded EC keys and of CA certificates whose signature
 * verified (both recur on every handshake of a fleet).
 */
final class FastPath {
  // basicConstraints, keyUsage, extendedKeyUsage, subjectAltName: all judged here or by the caller.
  private static final Set<String> HANDLED_CRITICAL =
      Set.of("2.5.29.15", "2.5.29.19", "2.5.29.37", "2.5.29.17");
  // Name constraints, policy mappings, policy constraints, inhibitAnyPolicy, certificate policies:
  // PKIX applies them even when not critical; only PKIX judges such chains.
  private static final Set<String> LEFT_TO_PKIX =
      Set.of("2.5.29.30", "2.5.29.33", "2.5.29.36", "2.5.29.54", "2.5.29.32");
  private static final int MIN_RSA_BITS = 2048;

  private final int keyCacheMax;
  private final ConcurrentHashMap<PublicKey, ECPublicKeyParameters> ecKeys =
      new ConcurrentHashMap<>();
  // CA certificates whose signature verified, with the key it verified under: a fleet's devices
  // share one intermediate, whose signature then costs nothing after the first device.
  private final ConcurrentHashMap<X509Certificate, PublicKey> verifiedCas =
      new ConcurrentHashMap<>();

  /**
   * @param keyCacheMax how many decoded EC keys to keep; the cache is emptied when full
   */
  FastPath(int keyCacheMax) {
    this.keyCacheMax = keyCacheMax;
  }

  /**
   * Whether {@code path} (leaf first, no anchor) is valid at {@code now} up to {@code anchor}.
   * False means "not vouched for", not "invalid".
   */
  boolean vouches(List<X509Certificate> path, X509Certificate anchor, Date now) {
    try {
      if (path.isEmpty() || !usable(anchor, now)) {
        return false;
      }
      // The anchor's own pathLenConstraint counts the intermediates below it.
      if (anchor.getBasicConstraints() < path.size() - 1) {
        return false;
      }
      boolean[] anchorUsage = anchor.getKeyUsage();
      if (anchorUsage != null && (anchorUsage.length < 6 || !anchorUsage[5])) {
        return false;
      }
      for (int i = 0; i < path.size(); i++) {
        X509Certificate c = path.get(i);
        if (!usable(c, now)) {
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
        X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchor;
        if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())
            || !signedBy(c, issuer.getPublicKey())) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Dates, extensions and key: what every certificate of the path, anchor included, must pass. */
  private static boolean usable(X509Certificate c, Date now) {
    if (now.before(c.getNotBefore()) || now.after(c.getNotAfter())) {
      return false;
    }
    Set<String> critical = c.getCriticalExtensionOIDs();
    if (critical != null && !HANDLED_CRITICAL.containsAll(critical)) {
      return false;
    }
    for (String oid : LEFT_TO_PKIX) {
      if (c.getExtensionValue(oid) != null) {
        return false;
      }
    }
    return strongKey(c.getPublicKey());
  }

  private static boolean strongKey(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return rsa.getModulus().bitLength() >= MIN_RSA_BITS;
    }
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      return bits == 256 || bits == 384 || bits == 521;
    }
    return key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519");
  }

  /** Whether {@code c}'s signature verifies with {@code issuerKey}, by a listed algorithm. */
  boolean signedBy(X509Certificate c, PublicKey issuerKey) {
    if (issuerKey.equals(verifiedCas.get(c))) {
      return true;
    }
    boolean ok = verifies(c, issuerKey);
    if (ok && c.getBasicConstraints() >= 0) {
      if (verifiedCas.size() >= keyCacheMax) {
        verifiedCas.clear();
      }
      verifiedCas.put(c, issuerKey);
    }
    return ok;
  }

  private boolean verifies(X509Certificate c, PublicKey issuerKey) {
    Digest digest;
    switch (c.getSigAlgOID()) {
      case "1.2.840.10045.4.3.2": // ecdsa-with-SHA256
        digest = new SHA256Digest();
        break;
      case "1.2.840.10045.4.3.3": // ecdsa-with-SHA384
        digest = new SHA384Digest();
        break;
      case "1.2.840.10045.4.3.4": // ecdsa-with-SHA512
        digest = new SHA512Digest();
        break;
      case "1.2.840.113549.1.1.11": // sha256WithRSAEncryption
      case "1.2.840.113549.1.1.12": // sha384WithRSAEncryption
      case "1.2.840.113549.1.1.13": // sha512WithRSAEncryption
      case "1.3.101.112": // Ed25519
        return jdkVerifies(c, issuerKey);
      default:
        return false; // MD5, SHA-1, PSS with parameters, ...: PKIX decides
    }
    if (!(issuerKey instanceof ECPublicKey) || !strongKey(issuerKey)) {
      return false;
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
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static boolean jdkVerifies(X509Certificate c, PublicKey issuerKey) {
    if (!strongKey(issuerKey)) {
      return false;
    }
    try {
      c.verify(issuerKey);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private ECPublicKeyParameters ecKey(PublicKey k) throws IOException {
    ECPublicKeyParameters p = ecKeys.get(k);
    if (p == null) {
      p = (ECPublicKeyParameters) PublicKeyFactory.createKey(k.getEncoded());
      if (ecKeys.size() >= keyCacheMax) {
        ecKeys.clear(); // bounded: a flood of distinct keys costs re-decoding, never memory
      }
      ecKeys.put(k, p);
    }
    return p;
  }

  /** How many decoded EC keys are cached (for tests). */
  int cachedKeys() {
    return ecKeys.size();
  }
}
