package dev.mqttls.doctor.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads the PEM forms users bring: certificates, keys (PKCS#8, PKCS#1, SEC1) and CRLs. */
public final class Pem {
  private Pem() {}

  /** All certificates in a PEM file, in file order; empty if it holds none. */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    for (Object o : objects(file)) {
      if (o instanceof X509CertificateHolder h) {
        out.add(toX509(h.getEncoded()));
      }
    }
    return out;
  }

  /** The first private key in a PEM file, or null if it holds none (or only an encrypted one). */
  public static PrivateKey privateKey(Path file) throws IOException {
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
    for (Object o : objects(file)) {
      if (o instanceof PEMKeyPair kp) {
        return conv.getPrivateKey(kp.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo pki) {
        return conv.getPrivateKey(pki);
      }
    }
    return null;
  }

  /** True when the file holds an encrypted private key we cannot use without a passphrase. */
  public static boolean hasEncryptedKey(Path file) throws IOException {
    for (Object o : objects(file)) {
      if (o instanceof org.bouncycastle.openssl.PEMEncryptedKeyPair
          || o instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo) {
        return true;
      }
    }
    return false;
  }

  /** All CRLs in a PEM file. */
  public static List<X509CRL> crls(Path file) throws IOException {
    List<X509CRL> out = new ArrayList<>();
    for (Object o : objects(file)) {
      if (o instanceof X509CRLHolder h) {
        try {
          out.add(
              (X509CRL)
                  CertificateFactory.getInstance("X.509")
                      .generateCRL(new java.io.ByteArrayInputStream(h.getEncoded())));
        } catch (java.security.cert.CRLException | CertificateException e) {
          throw new IOException("not a CRL: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  /** Parses one DER certificate. */
  public static X509Certificate toX509(byte[] der) throws IOException {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new java.io.ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IOException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  private static List<Object> objects(Path file) throws IOException {
    List<Object> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser p = new PEMParser(r)) {
      for (int i = 0; i < 10_000; i++) {
        Object o = p.readObject();
        if (o == null) {
          break;
        }
        out.add(o);
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException("not a PEM text file (binary DER?)", e);
    }
    return out;
  }
}
