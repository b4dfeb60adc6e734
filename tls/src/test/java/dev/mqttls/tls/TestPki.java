package dev.mqttls.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made per test with BouncyCastle: CAs, server and device certificates, CRLs. */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(0x1000);

  /** A key pair with its certificate and the CA that signed it (null for a root). */
  record Issued(KeyPair keys, X509Certificate cert, Issued issuer) {
    List<X509Certificate> chain() {
      List<X509Certificate> out = new ArrayList<>();
      for (Issued i = this; i != null; i = i.issuer) {
        out.add(i.cert);
      }
      return out;
    }
  }

  static KeyPair keys(String type) {
    try {
      switch (type) {
        case "P-256":
        case "P-384":
          {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(type.equals("P-256") ? "secp256r1" : "secp384r1"));
            return g.generateKeyPair();
          }
        case "Ed25519":
          return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        default:
          {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(Integer.parseInt(type.substring(3)));
            return g.generateKeyPair();
          }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static Issued ca(String cn) {
    return issue(
        cn,
        keys("P-256"),
        null,
        true,
        List.of(),
        Instant.now().minusSeconds(3600),
        Instant.now().plus(Duration.ofDays(3650)));
  }

  static Issued server(Issued ca, String cn, String... dnsNames) {
    return issue(
        cn,
        keys("P-256"),
        ca,
        false,
        List.of(dnsNames),
        Instant.now().minusSeconds(3600),
        Instant.now().plus(Duration.ofDays(365)));
  }

  static Issued device(Issued ca, String cn) {
    return issue(
        cn,
        keys("P-256"),
        ca,
        false,
        List.of(),
        Instant.now().minusSeconds(3600),
        Instant.now().plus(Duration.ofDays(365)));
  }

  static Issued issue(
      String cn,
      KeyPair keys,
      Issued issuer,
      boolean isCa,
      List<String> sans,
      Instant notBefore,
      Instant notAfter) {
    try {
      X500Name subject = new X500Name("CN=" + cn);
      X500Name issuerName =
          issuer == null
              ? subject
              : X500Name.getInstance(issuer.cert.getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuerName,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              keys.getPublic());
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(keys.getPublic()));
      if (issuer != null) {
        b.addExtension(
            Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuer.cert));
      }
      if (isCa) {
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      }
      if (!sans.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String s : sans) {
          if (s.matches("[0-9.]+")) {
            names.add(new GeneralName(GeneralName.iPAddress, s));
          } else if (s.startsWith("uri:")) {
            names.add(new GeneralName(GeneralName.uniformResourceIdentifier, s.substring(4)));
          } else {
            names.add(new GeneralName(GeneralName.dNSName, s));
          }
        }
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
      PrivateKey signKey = issuer == null ? keys.getPrivate() : issuer.keys.getPrivate();
      X509Certificate cert =
          new JcaX509CertificateConverter().getCertificate(b.build(signer(signKey)));
      return new Issued(keys, cert, issuer);
    } catch (IOException
        | GeneralSecurityException
        | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A device certificate whose extendedKeyUsage allows only TLS server authentication. */
  static Issued serverAuthOnlyDevice(Issued ca, String cn) {
    try {
      KeyPair keys = keys("P-256");
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              X500Name.getInstance(ca.cert.getSubjectX500Principal().getEncoded()),
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(Instant.now().minusSeconds(3600)),
              Date.from(Instant.now().plus(Duration.ofDays(30))),
              new X500Name("CN=" + cn),
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
              org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth));
      X509Certificate cert =
          new JcaX509CertificateConverter().getCertificate(b.build(signer(ca.keys.getPrivate())));
      return new Issued(keys, cert, ca);
    } catch (IOException
        | GeneralSecurityException
        | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  static ContentSigner signer(PrivateKey key)
      throws org.bouncycastle.operator.OperatorCreationException {
    String alg =
        key.getAlgorithm().equals("RSA")
            ? "SHA256withRSA"
            : key.getAlgorithm().startsWith("Ed") ? "Ed25519" : "SHA256withECDSA";
    return new JcaContentSignerBuilder(alg).build(key);
  }

  static X509CRL crl(Issued ca, Instant nextUpdate, X509Certificate... revoked) {
    try {
      X509v2CRLBuilder b =
          new X509v2CRLBuilder(
              X500Name.getInstance(ca.cert.getSubjectX500Principal().getEncoded()),
              Date.from(Instant.now().minusSeconds(60)));
      b.setNextUpdate(Date.from(nextUpdate));
      for (X509Certificate c : revoked) {
        b.addCRLEntry(c.getSerialNumber(), new Date(), CRLReason.keyCompromise);
      }
      return new JcaX509CRLConverter().getCRL(b.build(signer(ca.keys.getPrivate())));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(Object... objects) {
    StringWriter sw = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return sw.toString();
  }

  static Path write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes cert chain (without root unless asked) and PKCS#8 key; returns {cert, key}. */
  static Path[] writePair(Path dir, String name, Issued i) {
    List<X509Certificate> chain = i.chain();
    Object[] certs = chain.subList(0, Math.max(1, chain.size() - 1)).toArray();
    if (i.issuer == null) {
      certs = new Object[] {i.cert};
    }
    Path cert = write(dir.resolve(name + ".crt"), pem(certs));
    Path key = write(dir.resolve(name + ".key"), pkcs8(i.keys.getPrivate()));
    return new Path[] {cert, key};
  }

  static String pkcs8(PrivateKey key) {
    try {
      return pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  static SecureRandom random() {
    return new SecureRandom();
  }

  private TestPki() {}
}
