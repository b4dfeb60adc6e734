package dev.mqttls.tls.verify;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.x500.X500Principal;

/**
 * The one verifier of certificate chains: the broker's of client certificates, the client library's
 * of broker certificates (the host name is checked by {@link HostNames}) and the doctor's.
 *
 * <p>A chain as sent (leaf first, in any order, possibly with the root) is turned into a path up to
 * a trusted CA, then checked: RFC 5280 path validation by the JDK's PKIX validator, preceded by a
 * {@link FastPath} that vouches for ordinary chains at a fraction of the cost and may only ever be
 * stricter; the trusted CA's own validity and path length (which the JDK's PKIX ignores and OpenSSL
 * enforces); and the leaf's usage for the {@link Purpose}. Revocation lists are the caller's
 * policy. Every refusal is a {@link CertificateRejected} naming a {@link CertificateError}.
 *
 * <p>Immutable apart from its bounded caches; thread-safe; one instance per set of trusted CAs.
 */
public final class ChainVerifier {
  private static final int EC_KEY_CACHE_MAX = 1024;
  private static final int VERIFIED_CACHE_MAX = 100_000;
  private static final String ANY_EKU = "2.5.29.37.0";

  private final Set<X509Certificate> anchors;
  private final Map<X500Principal, List<X509Certificate>> anchorsBySubject;
  private final FastPath fastPath = new FastPath(EC_KEY_CACHE_MAX);
  // Devices reconnect with the same chain: a path verified against these CAs need not have its
  // signatures checked again. Dates are still checked on every use. Bounded; emptied when full.
  private final ConcurrentHashMap<ByteBuffer, VerifiedChain> verified = new ConcurrentHashMap<>();

  private ChainVerifier(Collection<X509Certificate> anchors) {
    this.anchors = Set.copyOf(new LinkedHashSet<>(anchors));
    Map<X500Principal, List<X509Certificate>> by = new HashMap<>();
    for (X509Certificate c : anchors) {
      by.computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>()).add(c);
    }
    by.replaceAll((k, v) -> List.copyOf(v));
    this.anchorsBySubject = Map.copyOf(by);
  }

  /** A verifier trusting exactly {@code anchors} (CA certificates, or pinned certificates). */
  public static ChainVerifier trusting(Collection<X509Certificate> anchors) {
    return new ChainVerifier(anchors);
  }

  /** The trusted certificates. */
  public Set<X509Certificate> anchors() {
    return anchors;
  }

  /**
   * Verifies {@code chain} for {@code purpose} at {@code now}.
   *
   * @param chain the certificates as the peer sent them, leaf first
   * @param authType the TLS key exchange's authentication type as the engine names it (e.g. {@code
   *     ECDHE_ECDSA}, {@code RSA}), or null when unknown; decides which key usage the leaf needs
   * @throws CertificateRejected naming why the chain is refused
   */
  public VerifiedChain verify(
      List<X509Certificate> chain, Purpose purpose, String authType, Instant now)
      throws CertificateRejected {
    if (chain == null || chain.isEmpty()) {
      throw new CertificateRejected(
          CertificateError.NO_CERTIFICATE, null, -1, "no certificate was sent");
    }
    Date at = Date.from(now);
    X509Certificate leaf = chain.get(0);
    VerifiedChain result;
    if (anchors.contains(leaf)) {
      // Directly trusted (a pinned certificate): nothing to chain, only its dates count.
      checkDates(leaf, 0, at, "");
      result = new VerifiedChain(List.of(), leaf);
    } else {
      List<X509Certificate> path = new ArrayList<>();
      X509Certificate anchor = buildPath(chain, path);
      ByteBuffer key = digest(path, anchor);
      VerifiedChain known = verified.get(key);
      if (known != null) {
        for (int i = 0; i < path.size(); i++) {
          checkDates(path.get(i), i, at, "");
        }
        checkDates(anchor, path.size(), at, "the trusted CA ");
        result = known;
      } else {
        checkAnchor(anchor, path, at);
        if (!fastPath.vouches(path, anchor, at)) {
          pkix(path, anchor, at);
        }
        result = new VerifiedChain(path, anchor);
        if (verified.size() >= VERIFIED_CACHE_MAX) {
          verified.clear();
        }
        verified.put(key, result);
      }
    }
    checkPurpose(result.leaf(), purpose, authType);
    return result;
  }

  /**
   * Fills {@code path} from the leaf up through what was sent; returns the trusted CA it ends at.
   */
  private X509Certificate buildPath(List<X509Certificate> chain, List<X509Certificate> path)
      throws CertificateRejected {
    X509Certificate cur = chain.get(0);
    Set<X509Certificate> used = new HashSet<>();
    X509Certificate sameNameAnchor = null;
    for (int depth = 0; depth <= chain.size(); depth++) {
      path.add(cur);
      used.add(cur);
      List<X509Certificate> named = anchorsBySubject.get(cur.getIssuerX500Principal());
      if (named != null && named.size() == 1) {
        // The usual case: one CA of that name. Its signature is checked once, by the fast path or
        // PKIX; a failure there at this certificate becomes ISSUER_KEY_MISMATCH.
        return named.get(0);
      }
      if (named != null) {
        for (X509Certificate a : named) {
          if (fastPath.signedBy(cur, a.getPublicKey()) || jdkSignedBy(cur, a)) {
            return a;
          }
        }
        sameNameAnchor = named.get(0);
      }
      X509Certificate next = null;
      for (X509Certificate c : chain) {
        if (!used.contains(c)
            && !anchors.contains(c)
            && c.getSubjectX500Principal().equals(cur.getIssuerX500Principal())) {
          next = c;
          break;
        }
      }
      if (next == null) {
        break;
      }
      cur = next;
    }
    X509Certificate leaf = chain.get(0);
    if (sameNameAnchor != null) {
      throw new CertificateRejected(
          CertificateError.ISSUER_KEY_MISMATCH,
          cur,
          path.size() - 1,
          subject(cur)
              + " names a trusted CA as its issuer ("
              + subject(sameNameAnchor)
              + ") but was not signed with that CA's key");
    }
    if (chain.size() == 1 && selfSigned(leaf)) {
      throw new CertificateRejected(
          CertificateError.SELF_SIGNED, leaf, 0, subject(leaf) + " is self-signed and not trusted");
    }
    throw new CertificateRejected(
        CertificateError.UNKNOWN_ISSUER,
        cur,
        path.size() - 1,
        subject(leaf)
            + " is not signed by a trusted CA (its chain ends at "
            + cur.getIssuerX500Principal().getName()
            + ")");
  }

  // The JDK's PKIX ignores the trust anchor's own certificate; OpenSSL (and so Mosquitto) holds it
  // to its dates, its CA flag, keyCertSign and its path length. So do we.
  private static void checkAnchor(X509Certificate anchor, List<X509Certificate> path, Date at)
      throws CertificateRejected {
    int depth = path.size();
    checkDates(anchor, depth, at, "the trusted CA ");
    boolean hasBasicConstraints = anchor.getExtensionValue("2.5.29.19") != null;
    if (hasBasicConstraints && anchor.getBasicConstraints() < 0) {
      throw new CertificateRejected(
          CertificateError.ISSUER_NOT_CA,
          anchor,
          depth,
          "the trusted certificate "
              + subject(anchor)
              + " issued "
              + subject(path.get(depth - 1))
              + " but is not a CA (basicConstraints CA:FALSE)");
    }
    boolean[] ku = anchor.getKeyUsage();
    if (ku != null && (ku.length < 6 || !ku[5])) {
      throw new CertificateRejected(
          CertificateError.ISSUER_CANNOT_SIGN,
          anchor,
          depth,
          "the trusted CA " + subject(anchor) + " has a key usage without keyCertSign");
    }
    if (hasBasicConstraints && anchor.getBasicConstraints() < path.size() - 1) {
      throw new CertificateRejected(
          CertificateError.PATH_TOO_LONG,
          anchor,
          depth,
          "the trusted CA "
              + subject(anchor)
              + " allows "
              + anchor.getBasicConstraints()
              + " intermediate CA(s) below it (pathLenConstraint), the chain has "
              + (path.size() - 1));
    }
  }

  private static void checkDates(X509Certificate c, int depth, Date at, String role)
      throws CertificateRejected {
    if (at.after(c.getNotAfter())) {
      throw new CertificateRejected(
          CertificateError.EXPIRED,
          c,
          depth,
          role + subject(c) + " expired " + c.getNotAfter().toInstant());
    }
    if (at.before(c.getNotBefore())) {
      throw new CertificateRejected(
          CertificateError.NOT_YET_VALID,
          c,
          depth,
          role + subject(c) + " is not valid before " + c.getNotBefore().toInstant());
    }
  }

  private static void pkix(List<X509Certificate> path, X509Certificate anchor, Date at)
      throws CertificateRejected {
    try {
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      params.setDate(at);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    } catch (CertPathValidatorException e) {
      int index = e.getIndex() >= 0 && e.getIndex() < path.size() ? e.getIndex() : 0;
      X509Certificate c = path.get(index);
      CertificateError error = errorOf(e.getReason());
      if (error == CertificateError.ISSUER_CANNOT_SIGN && c.getBasicConstraints() < 0) {
        error = CertificateError.ISSUER_NOT_CA; // PKIX looks at key usage first; this is the root
      }
      // The anchor was chosen by name: PKIX not chaining to it (it says "no trust anchor"), or the
      // top signature failing, means the CA of that name has another key.
      if ((error == CertificateError.BAD_SIGNATURE && index == path.size() - 1)
          || error == CertificateError.UNKNOWN_ISSUER) {
        X509Certificate top = path.get(path.size() - 1);
        throw new CertificateRejected(
            CertificateError.ISSUER_KEY_MISMATCH,
            top,
            path.size() - 1,
            subject(top)
                + " names a trusted CA as its issuer ("
                + subject(anchor)
                + ") but was not signed with that CA's key");
      }
      String detail =
          switch (error) {
            case EXPIRED -> subject(c) + " expired " + c.getNotAfter().toInstant();
            case NOT_YET_VALID ->
                subject(c) + " is not valid before " + c.getNotBefore().toInstant();
            case ISSUER_NOT_CA -> subject(c) + " issued a certificate but is not a CA";
            case ISSUER_CANNOT_SIGN -> subject(c) + " has a key usage without keyCertSign";
            case PATH_TOO_LONG -> "the chain is longer than a CA's pathLenConstraint allows";
            case BAD_SIGNATURE -> "the signature of " + subject(c) + " does not verify";
            case UNKNOWN_CRITICAL_EXTENSION -> subject(c) + " has an unknown critical extension";
            case WEAK_ALGORITHM -> subject(c) + " uses a disabled or weak algorithm or key size";
            default -> subject(c) + " is invalid: " + e.getReason();
          };
      throw new CertificateRejected(error, c, index, detail);
    } catch (GeneralSecurityException e) {
      throw new CertificateRejected(
          CertificateError.INVALID, path.get(0), 0, "the chain cannot be checked: " + e);
    }
  }

  /** The error for a reason of the JDK's PKIX validator. */
  static CertificateError errorOf(CertPathValidatorException.Reason reason) {
    if (reason instanceof CertPathValidatorException.BasicReason b) {
      return switch (b) {
        case EXPIRED -> CertificateError.EXPIRED;
        case NOT_YET_VALID -> CertificateError.NOT_YET_VALID;
        case INVALID_SIGNATURE -> CertificateError.BAD_SIGNATURE;
        case REVOKED -> CertificateError.REVOKED;
        case ALGORITHM_CONSTRAINED -> CertificateError.WEAK_ALGORITHM;
        default -> CertificateError.INVALID;
      };
    }
    if (reason instanceof PKIXReason p) {
      return switch (p) {
        case NOT_CA_CERT -> CertificateError.ISSUER_NOT_CA;
        case PATH_TOO_LONG -> CertificateError.PATH_TOO_LONG;
        case INVALID_KEY_USAGE -> CertificateError.ISSUER_CANNOT_SIGN;
        case UNRECOGNIZED_CRIT_EXT -> CertificateError.UNKNOWN_CRITICAL_EXTENSION;
        case NAME_CHAINING, NO_TRUST_ANCHOR -> CertificateError.UNKNOWN_ISSUER;
        case INVALID_NAME, INVALID_POLICY -> CertificateError.CONSTRAINT_VIOLATED;
      };
    }
    return CertificateError.INVALID;
  }

  // The extended key usage must allow the purpose (OpenSSL's check_purpose_ssl_client/server, which
  // Mosquitto applies); the key usage must allow the handshake's use of the key, as the JDK's
  // trust manager demands of a server per key exchange and OpenSSL of a client.
  private static void checkPurpose(X509Certificate leaf, Purpose purpose, String authType)
      throws CertificateRejected {
    String who = purpose == Purpose.CLIENT_AUTH ? "client" : "server";
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new CertificateRejected(
          CertificateError.INVALID, leaf, 0, subject(leaf) + " has an unreadable extendedKeyUsage");
    }
    if (eku != null && !eku.contains(purpose.oid()) && !eku.contains(ANY_EKU)) {
      throw new CertificateRejected(
          CertificateError.WRONG_PURPOSE,
          leaf,
          0,
          subject(leaf)
              + " is not for TLS "
              + who
              + " authentication (extendedKeyUsage lacks "
              + who
              + "Auth)");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null) {
      return;
    }
    boolean signs = ku.length > 0 && ku[0];
    boolean enciphers = ku.length > 2 && ku[2];
    boolean agrees = ku.length > 4 && ku[4];
    boolean ok;
    if (purpose == Purpose.CLIENT_AUTH) {
      ok = signs || agrees;
    } else if (authType == null) {
      ok = signs || enciphers || agrees;
    } else if (authType.equals("RSA")) {
      ok = enciphers; // RSA key exchange: the key decrypts the premaster secret
    } else if (authType.startsWith("ECDH_") || authType.startsWith("DH_")) {
      ok = agrees;
    } else {
      ok = signs; // (EC)DHE and TLS 1.3: the key signs the handshake
    }
    if (!ok) {
      throw new CertificateRejected(
          CertificateError.WRONG_PURPOSE,
          leaf,
          0,
          subject(leaf) + " has a key usage that does not allow its use in a TLS handshake");
    }
  }

  private static boolean jdkSignedBy(X509Certificate c, X509Certificate issuer) {
    try {
      c.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static boolean selfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && jdkSignedBy(c, c);
  }

  private static ByteBuffer digest(List<X509Certificate> path, X509Certificate anchor) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (X509Certificate c : path) {
        md.update(c.getEncoded());
      }
      md.update(anchor.getEncoded());
      return ByteBuffer.wrap(md.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code CN=...} when the subject has a common name, else the whole subject. */
  public static String subject(X509Certificate c) {
    String dn = c.getSubjectX500Principal().getName(X500Principal.RFC2253);
    try {
      List<javax.naming.ldap.Rdn> rdns = new javax.naming.ldap.LdapName(dn).getRdns();
      for (int i = rdns.size() - 1; i >= 0; i--) {
        if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
          return "CN=" + rdns.get(i).getValue();
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      return dn;
    }
    return dn;
  }

  /** Whether two certificates are the same encoding (for callers comparing sets of anchors). */
  static boolean same(X509Certificate a, X509Certificate b) {
    try {
      return java.util.Arrays.equals(a.getEncoded(), b.getEncoded());
    } catch (CertificateEncodingException e) {
      return false;
    }
  }
}
