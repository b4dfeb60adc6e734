package dev.mqttls.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A private key with its certificate chain (leaf first), checked on creation: the key matches the
 * leaf's public key and each certificate is signed by the next. Expiry is checked by {@link
 * #checkValidAt(Instant)}, because a client may deliberately load an old certificate.
 *
 * <p>{@link #toString()} shows the subject and files only, never the key.
 */
public final class TlsMaterial {
  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final Path certFile;
  private final Path keyFile;

  private TlsMaterial(PrivateKey key, List<X509Certificate> chain, Path certFile, Path keyFile) {
    this.key = key;
    this.chain = List.copyOf(chain);
    this.certFile = certFile;
    this.keyFile = keyFile;
  }

  /**
   * Loads a PEM certificate chain and a private key in any form {@link PemReader} reads.
   *
   * @param password for an encrypted key, else {@code null}
   * @throws TlsMaterialException naming the file at fault
   */
  public static TlsMaterial load(Path certFile, Path keyFile, char[] password)
      throws TlsMaterialException {
    List<X509Certificate> chain = PemReader.readCertificates(certFile);
    PrivateKey key = PemReader.readPrivateKey(keyFile, password);
    return of(key, chain, certFile, keyFile);
  }

  /**
   * Loads a PKCS#12 or JKS key store's first key entry.
   *
   * @throws TlsMaterialException naming the file at fault
   */
  public static TlsMaterial loadKeyStore(Path keyStore, char[] password)
      throws TlsMaterialException {
    return PemReader.readKeyStore(keyStore, password);
  }

  /**
   * Pairs a key with its chain, checking the pair.
   *
   * @param certFile named in errors about the chain
   * @param keyFile named in errors about the key
   * @throws TlsMaterialException if the key does not match the leaf, or the chain does not build
   */
  public static TlsMaterial of(
      PrivateKey key, List<X509Certificate> chain, Path certFile, Path keyFile)
      throws TlsMaterialException {
    if (chain.isEmpty()) {
      throw new TlsMaterialException(certFile, "not a certificate file (no certificate in it)");
    }
    if (!keyMatches(key, chain.get(0).getPublicKey())) {
      throw new TlsMaterialException(
          keyFile,
          "private key does not match the certificate in "
              + certFile
              + " ("
              + chain.get(0).getSubjectX500Principal().getName()
              + ")");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      try {
        if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
          throw new GeneralSecurityException("issuer name differs");
        }
        c.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new TlsMaterialException(
            certFile,
            "chain does not build: certificate "
                + (i + 1)
                + " ("
                + c.getSubjectX500Principal().getName()
                + ") is not signed by certificate "
                + (i + 2)
                + " ("
                + issuer.getSubjectX500Principal().getName()
                + "); put the leaf first, then each issuer",
            e);
      }
    }
    return new TlsMaterial(key, chain, certFile, keyFile);
  }

  /**
   * Refuses a chain with a certificate outside its validity period at {@code now}.
   *
   * @throws TlsMaterialException naming the certificate file and the date
   */
  public void checkValidAt(Instant now) throws TlsMaterialException {
    Date d = Date.from(now);
    for (X509Certificate c : chain) {
      if (d.after(c.getNotAfter())) {
        throw new TlsMaterialException(
            certFile,
            "certificate "
                + c.getSubjectX500Principal().getName()
                + " expired "
                + c.getNotAfter().toInstant());
      }
      if (d.before(c.getNotBefore())) {
        throw new TlsMaterialException(
            certFile,
            "certificate "
                + c.getSubjectX500Principal().getName()
                + " is not valid before "
                + c.getNotBefore().toInstant());
      }
    }
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return key;
  }

  /** The chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The chain without a trailing self-signed root, as sent with {@code tls_send_root false}. */
  public List<X509Certificate> chainWithoutRoot() {
    if (chain.size() > 1 && isSelfSigned(chain.get(chain.size() - 1))) {
      return chain.subList(0, chain.size() - 1);
    }
    return chain;
  }

  /** The file the chain came from. */
  public Path certFile() {
    return certFile;
  }

  /** The file the key came from. */
  public Path keyFile() {
    return keyFile;
  }

  @Override
  public String toString() {
    return "TlsMaterial["
        + leaf().getSubjectX500Principal().getName()
        + ", "
        + key.getAlgorithm()
        + ", cert="
        + certFile
        + ", key="
        + keyFile
        + "]";
  }

  static boolean isSelfSigned(X509Certificate c) {
    if (!c.getIssuerX500Principal().equals(c.getSubjectX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  // Signing a nonce and verifying it with the certificate's key works for every key type
  // (RSA, EC, EdDSA) without comparing algorithm-specific parameters.
  private static boolean keyMatches(PrivateKey key, PublicKey pub) {
    String alg;
    switch (key.getAlgorithm()) {
      case "RSA":
        alg = "SHA256withRSA";
        break;
      case "EC":
      case "ECDSA":
        alg = "SHA256withECDSA";
        break;
      case "Ed25519":
      case "Ed448":
      case "EdDSA":
        alg = key.getAlgorithm();
        break;
      default:
        return key.getAlgorithm().equalsIgnoreCase(pub.getAlgorithm());
    }
    if (!sameFamily(key.getAlgorithm(), pub.getAlgorithm())) {
      return false;
    }
    try {
      byte[] nonce = new byte[32];
      new SecureRandom().nextBytes(nonce);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(nonce);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(nonce);
      return v.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static boolean sameFamily(String a, String b) {
    return norm(a).equals(norm(b));
  }

  private static String norm(String alg) {
    switch (alg) {
      case "ECDSA":
        return "EC";
      case "Ed25519":
      case "Ed448":
        return "EdDSA";
      default:
        return alg;
    }
  }
}
