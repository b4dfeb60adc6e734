package dev.mqttls.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads certificates, private keys, CRLs and key stores in the forms users bring, without
 * keystores: PEM certificates and chains; keys as PKCS#8, PKCS#1 {@code RSA PRIVATE KEY}, SEC1
 * {@code EC PRIVATE KEY} (with or without an {@code EC PARAMETERS} block before it), encrypted
 * PKCS#8 and legacy OpenSSL-encrypted PEM; DER certificates; PKCS#12 and JKS key stores. Every
 * failure is a {@link TlsMaterialException} naming the file and the cause.
 *
 * <p>Keys are returned as JDK key objects (RSA, EC, Ed25519), so both TLS engines can use them.
 */
public final class PemReader {
  // Used only to decrypt keys (PBES2/AES, legacy DES/AES PEM); never registered globally.
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private PemReader() {}

  /**
   * Reads every certificate in a PEM (or DER) file, in file order.
   *
   * @throws TlsMaterialException if the file is missing, unreadable or holds no certificate
   */
  public static List<X509Certificate> readCertificates(Path file) throws TlsMaterialException {
    byte[] bytes = read(file);
    List<X509Certificate> certs = new ArrayList<>();
    if (isPem(bytes)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      try (PEMParser parser = parser(bytes)) {
        Object o;
        while ((o = nextObject(parser, file)) != null) {
          if (o instanceof X509CertificateHolder) {
            certs.add(converter.getCertificate((X509CertificateHolder) o));
          }
        }
      } catch (IOException | CertificateException | RuntimeException e) {
        // RuntimeException: Bouncy Castle parses lazily and reports bad ASN.1 unchecked.
        throw new TlsMaterialException(file, "not a readable certificate: " + e.getMessage(), e);
      }
    } else {
      try {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (var c : cf.generateCertificates(new ByteArrayInputStream(bytes))) {
          certs.add((X509Certificate) c);
        }
      } catch (CertificateException e) {
        throw new TlsMaterialException(
            file, "not a certificate file (no PEM or DER certificate in it)", e);
      }
    }
    if (certs.isEmpty()) {
      throw new TlsMaterialException(file, "not a certificate file (no certificate in it)");
    }
    return Collections.unmodifiableList(certs);
  }

  /**
   * Reads the first private key in a PEM file (or a DER PKCS#8 file).
   *
   * @param password for encrypted keys; {@code null} when the key is not encrypted
   * @throws TlsMaterialException if there is no key, the key is encrypted and no password was
   *     given, or the password is wrong
   */
  public static PrivateKey readPrivateKey(Path file, char[] password) throws TlsMaterialException {
    byte[] bytes = read(file);
    if (!isPem(bytes)) {
      try {
        return converter().getPrivateKey(PrivateKeyInfo.getInstance(bytes));
      } catch (RuntimeException | PEMException e) {
        throw new TlsMaterialException(
            file, "not a private key file (no PEM key or DER PKCS#8 key in it)", e);
      }
    }
    try (PEMParser parser = parser(bytes)) {
      Object o;
      while ((o = nextObject(parser, file)) != null) {
        if (o instanceof PrivateKeyInfo) {
          return converter().getPrivateKey((PrivateKeyInfo) o);
        } else if (o instanceof PEMKeyPair) {
          return converter().getKeyPair((PEMKeyPair) o).getPrivate();
        } else if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
          requirePassword(file, password);
          try {
            InputDecryptorProvider dec =
                new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(password);
            return converter()
                .getPrivateKey(((PKCS8EncryptedPrivateKeyInfo) o).decryptPrivateKeyInfo(dec));
          } catch (PKCSException | OperatorCreationException e) {
            throw new TlsMaterialException(
                file, "cannot decrypt the encrypted PKCS#8 key: wrong keyfile_password?", e);
          }
        } else if (o instanceof PEMEncryptedKeyPair) {
          requirePassword(file, password);
          try {
            PEMKeyPair kp =
                ((PEMEncryptedKeyPair) o)
                    .decryptKeyPair(
                        new JcePEMDecryptorProviderBuilder().setProvider(BC).build(password));
            return converter().getKeyPair(kp).getPrivate();
          } catch (EncryptionException e) {
            throw new TlsMaterialException(
                file, "cannot decrypt the OpenSSL-encrypted key: wrong keyfile_password?", e);
          } catch (IOException e) {
            // A wrong password usually surfaces as garbage ASN.1 after decryption.
            throw new TlsMaterialException(
                file, "cannot decrypt the OpenSSL-encrypted key: wrong keyfile_password?", e);
          }
        } else if (o instanceof ASN1ObjectIdentifier || o instanceof X9ECParameters) {
          continue; // the "EC PARAMETERS" block that `openssl ecparam -genkey` writes first
        }
      }
    } catch (IOException | RuntimeException e) {
      // RuntimeException: Bouncy Castle parses lazily and reports bad ASN.1 unchecked.
      throw new TlsMaterialException(file, "not a readable private key: " + e.getMessage(), e);
    }
    throw new TlsMaterialException(file, "contains no private key");
  }

  /**
   * Reads every CRL in a PEM (or DER) file.
   *
   * @throws TlsMaterialException if the file is missing or holds no CRL
   */
  public static List<X509CRL> readCrls(Path file) throws TlsMaterialException {
    byte[] bytes = read(file);
    List<X509CRL> crls = new ArrayList<>();
    try {
      if (isPem(bytes)) {
        JcaX509CRLConverter converter = new JcaX509CRLConverter();
        try (PEMParser parser = parser(bytes)) {
          Object o;
          while ((o = nextObject(parser, file)) != null) {
            if (o instanceof X509CRLHolder) {
              crls.add(converter.getCRL((X509CRLHolder) o));
            }
          }
        }
      } else {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (var c : cf.generateCRLs(new ByteArrayInputStream(bytes))) {
          crls.add((X509CRL) c);
        }
      }
    } catch (IOException | CRLException | CertificateException | RuntimeException e) {
      // RuntimeException: Bouncy Castle parses lazily and reports bad ASN.1 unchecked (a CRL whose
      // entry lengths overrun it threw ASN1ParsingException; found by PemReaderFuzzTest).
      throw new TlsMaterialException(file, "not a readable CRL: " + e.getMessage(), e);
    }
    if (crls.isEmpty()) {
      throw new TlsMaterialException(file, "contains no CRL");
    }
    return Collections.unmodifiableList(crls);
  }

  /**
   * Reads the first key entry of a PKCS#12 or JKS key store (the type is detected from the content)
   * as a key and its chain.
   *
   * @param password the store password, also used for the key entry; {@code null} for none
   * @throws TlsMaterialException if the store cannot be opened or has no key entry
   */
  public static TlsMaterial readKeyStore(Path file, char[] password) throws TlsMaterialException {
    byte[] bytes = read(file);
    boolean jks =
        bytes.length > 4
            && (bytes[0] & 0xff) == 0xFE
            && (bytes[1] & 0xff) == 0xED
            && (bytes[2] & 0xff) == 0xFE
            && (bytes[3] & 0xff) == 0xED;
    try {
      KeyStore ks = KeyStore.getInstance(jks ? "JKS" : "PKCS12");
      try (InputStream in = new ByteArrayInputStream(bytes)) {
        ks.load(in, password);
      }
      for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
        String alias = e.nextElement();
        if (ks.isKeyEntry(alias)) {
          PrivateKey key = (PrivateKey) ks.getKey(alias, password);
          List<X509Certificate> chain = new ArrayList<>();
          for (var c : ks.getCertificateChain(alias)) {
            chain.add((X509Certificate) c);
          }
          return TlsMaterial.of(key, chain, file, file);
        }
      }
    } catch (IOException e) {
      throw new TlsMaterialException(
          file,
          "cannot open the " + (jks ? "JKS" : "PKCS#12") + " key store: wrong password or damaged",
          e);
    } catch (GeneralSecurityException e) {
      throw new TlsMaterialException(
          file, "cannot read the " + (jks ? "JKS" : "PKCS#12") + " key store: " + e, e);
    }
    throw new TlsMaterialException(file, "key store contains no private key entry");
  }

  private static void requirePassword(Path file, char[] password) throws TlsMaterialException {
    if (password == null) {
      throw new TlsMaterialException(
          file, "the private key is encrypted; give its password (keyfile_password)");
    }
  }

  private static JcaPEMKeyConverter converter() {
    return new JcaPEMKeyConverter();
  }

  private static Object nextObject(PEMParser parser, Path file) throws IOException {
    try {
      return parser.readObject();
    } catch (RuntimeException e) {
      // Bouncy Castle reports a broken block (bad base64, bad ASN.1) with unchecked exceptions,
      // e.g. DecoderException for a non-ASCII byte inside the base64 (found by PemReaderFuzzTest).
      throw new IOException("malformed PEM block (" + e.getMessage() + ")", e);
    }
  }

  private static PEMParser parser(byte[] bytes) {
    Reader r = new StringReader(new String(bytes, StandardCharsets.US_ASCII));
    return new PEMParser(r);
  }

  private static boolean isPem(byte[] bytes) {
    return new String(bytes, 0, Math.min(bytes.length, 64 * 1024), StandardCharsets.ISO_8859_1)
        .contains("-----BEGIN ");
  }

  static byte[] read(Path file) throws TlsMaterialException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsMaterialException(file, "no such file", e);
    } catch (IOException e) {
      throw new TlsMaterialException(file, "cannot read: " + e, e);
    }
  }
}
