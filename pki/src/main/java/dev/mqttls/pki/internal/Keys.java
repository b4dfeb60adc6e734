package dev.mqttls.pki.internal;

import dev.mqttls.pki.KeyType;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/** Key pairs: generating them, PEM encoding (optionally encrypted) and reading every PEM form. */
public final class Keys {
  /**
   * One provider instance, never registered globally: other modules' JCA lookups stay as they are.
   */
  public static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private static final SecureRandom RANDOM = new SecureRandom();

  private Keys() {}

  /** Generates a fresh key pair of the given type. */
  public static KeyPair generate(KeyType type) {
    try {
      // BouncyCastle's EC arithmetic is about twice as fast as SunEC's here, which matters when
      // minting a fleet (10,000 devices).
      KeyPairGenerator gen = KeyPairGenerator.getInstance(type.algorithm(), BC);
      if (type.isRsa()) {
        gen.initialize(new RSAKeyGenParameterSpec(type.bits(), RSAKeyGenParameterSpec.F4), RANDOM);
      } else {
        gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      }
      return gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new PkiException(Reason.IO, "cannot generate a " + type.display() + " key: " + e, e);
    }
  }

  /** The key type of a public key, or throws if it is not one the CA issues with. */
  public static KeyType typeOf(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits == 256) {
        return KeyType.EC_P256;
      }
    } else if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits == 2048 || bits == 3072 || bits == 4096) {
        return KeyType.rsa(bits);
      }
    }
    throw new PkiException(
        Reason.INVALID_ARGUMENT,
        "unsupported key "
            + key.getAlgorithm()
            + " "
            + bits(key)
            + ": use ECDSA P-256 or RSA 2048/3072/4096");
  }

  /** Key size in bits (curve size for EC), or 0 when unknown. */
  public static int bits(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return ec.getParams().getCurve().getField().getFieldSize();
    }
    if (key instanceof RSAPublicKey rsa) {
      return rsa.getModulus().bitLength();
    }
    return 0;
  }

  /** The signature algorithm a CA with this key signs with. */
  public static String signatureAlgorithm(PublicKey caKey) {
    switch (caKey.getAlgorithm()) {
      case "RSA":
        return "SHA256withRSA";
      case "EdDSA":
      case "Ed25519":
        return "Ed25519";
      default:
        return "SHA256withECDSA";
    }
  }

  /** PKCS#8 {@code PRIVATE KEY} PEM, which OpenSSL, mbedTLS, Mosquitto and Netty all read. */
  public static String toPem(PrivateKey key) {
    return Pem.encode("PRIVATE KEY", key.getEncoded());
  }

  /** Writes a key file (mode 0600, fsynced), encrypted when {@code password} is not null. */
  public static void write(java.nio.file.Path file, PrivateKey key, char[] password) {
    String pem = password == null ? toPem(key) : toEncryptedPem(key, password);
    AtomicFiles.write(file, pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII), true, true);
  }

  /** Encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, PBES2 with AES-256-CBC and HMAC-SHA256). */
  public static String toEncryptedPem(PrivateKey key, char[] password) {
    try {
      var encryptor =
          new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
              .setProvider(BC)
              .setPRF(JcaPKCS8Generator.PRF_HMACSHA256)
              .setIterationCount(100_000)
              .setRandom(RANDOM)
              .setPassword(password)
              .build();
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        writer.writeObject(new JcaPKCS8Generator(key, encryptor));
      }
      return out.toString();
    } catch (OperatorCreationException | IOException e) {
      throw new PkiException(Reason.IO, "cannot encrypt the key: " + e.getMessage(), e);
    }
  }

  /** Whether the PEM text holds an encrypted private key. */
  public static boolean isEncrypted(String pem) {
    return pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED");
  }

  /**
   * Reads a private key in any common PEM form: PKCS#8, encrypted PKCS#8, SEC1 {@code EC PRIVATE
   * KEY}, PKCS#1 {@code RSA PRIVATE KEY} (also legacy-encrypted).
   *
   * @param what the file, for messages (e.g. {@code ca.key})
   * @param password the password, or null when none was given
   */
  public static PrivateKey readPrivateKey(String pem, String what, char[] password) {
    Object obj;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      obj = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new PkiException(
          Reason.CORRUPT_KEY, what + " is corrupt: not a readable PEM private key", e);
    }
    if (obj == null) {
      throw new PkiException(Reason.CORRUPT_KEY, what + " is corrupt: it holds no PEM private key");
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BC);
    try {
      if (obj instanceof PKCS8EncryptedPrivateKeyInfo enc) {
        requirePassword(what, password);
        try {
          var decryptor =
              new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password);
          return toJdk(converter.getPrivateKey(enc.decryptPrivateKeyInfo(decryptor)));
        } catch (PKCSException | RuntimeException e) {
          throw new PkiException(
              Reason.WRONG_PASSWORD,
              "wrong password for " + what + " (it could not be decrypted)",
              e);
        }
      }
      if (obj instanceof PEMEncryptedKeyPair enc) {
        requirePassword(what, password);
        try {
          return toJdk(
              converter
                  .getKeyPair(
                      enc.decryptKeyPair(
                          new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password)))
                  .getPrivate());
        } catch (IOException | RuntimeException e) {
          throw new PkiException(
              Reason.WRONG_PASSWORD,
              "wrong password for " + what + " (it could not be decrypted)",
              e);
        }
      }
      if (obj instanceof PEMKeyPair pair) {
        return toJdk(converter.getKeyPair(pair).getPrivate());
      }
      if (obj instanceof PrivateKeyInfo info) {
        return toJdk(converter.getPrivateKey(info));
      }
    } catch (PkiException e) {
      throw e;
    } catch (IOException | OperatorCreationException | RuntimeException e) {
      throw new PkiException(Reason.CORRUPT_KEY, what + " is corrupt: " + oneLine(e), e);
    }
    throw new PkiException(
        Reason.CORRUPT_KEY,
        what + " is corrupt: it holds a " + obj.getClass().getSimpleName() + ", not a private key");
  }

  private static void requirePassword(String what, char[] password) {
    if (password == null) {
      throw new PkiException(
          Reason.PASSWORD_REQUIRED,
          what
              + " is encrypted: give its password (--ca-password-file FILE or MQTTLS_CA_PASSWORD)");
    }
  }

  /**
   * Converts a BC-made key into the JDK provider's form, so that signing uses the JDK's own
   * implementations (and the BC provider never leaks into JCA lookups).
   */
  private static PrivateKey toJdk(PrivateKey key) {
    try {
      String alg = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
      return java.security.KeyFactory.getInstance(alg)
          .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new PkiException(Reason.CORRUPT_KEY, "unsupported private key: " + oneLine(e), e);
    }
  }

  /** Converts a SubjectPublicKeyInfo into a JDK public key (EC or RSA). */
  public static PublicKey publicKey(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo spki)
      throws java.io.IOException, GeneralSecurityException {
    String oid = spki.getAlgorithm().getAlgorithm().getId();
    String alg =
        switch (oid) {
          case "1.2.840.10045.2.1" -> "EC";
          case "1.2.840.113549.1.1.1" -> "RSA";
          default -> throw new GeneralSecurityException("unsupported key algorithm " + oid);
        };
    return java.security.KeyFactory.getInstance(alg)
        .generatePublic(new java.security.spec.X509EncodedKeySpec(spki.getEncoded()));
  }

  /** Whether {@code key} is the private half of {@code publicKey} (sign and verify a challenge). */
  public static boolean matches(PrivateKey key, PublicKey publicKey) {
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    try {
      byte[] challenge = new BigInteger(128, RANDOM).toByteArray();
      String alg = signatureAlgorithm(publicKey);
      Signature signer = Signature.getInstance(alg);
      signer.initSign(key);
      signer.update(challenge);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(alg);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A one-line description of an exception, for messages. */
  public static String oneLine(Throwable e) {
    String msg = e.getMessage();
    return (msg == null ? e.getClass().getSimpleName() : msg).replaceAll("\\s+", " ").trim();
  }
}
