package dev.mqttls.testing.certs;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
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
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
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

/** Certificates made per test with BouncyCastle: CAs, intermediates, servers, devices, CRLs. */
public final class TestCerts {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private TestCerts() {}

  /** A certificate with its key and, for CAs, the ability to issue. */
  public record Held(X509Certificate cert, KeyPair keys) {
    public String certPem() {
      return pem(cert);
    }

    public String keyPem() {
      return pkcs8(keys.getPrivate());
    }
  }

  public static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Held rootCa(String cn) {
    KeyPair k = ecKey();
    return new Held(
        build(
            cn,
            cn,
            k.getPublic(),
            k.getPrivate(),
            null,
            true,
            List.of(),
            List.of(),
            null,
            valid(),
            null),
        k);
  }

  public static Held intermediate(Held parent, String cn) {
    KeyPair k = ecKey();
    return new Held(
        build(
            cn,
            subjectOf(parent),
            k.getPublic(),
            parent.keys().getPrivate(),
            parent.cert(),
            true,
            List.of(),
            List.of(),
            null,
            valid(),
            null),
        k);
  }

  public static Held server(Held ca, String cn, List<String> dns, List<String> ips) {
    return leaf(ca, cn, dns, ips, KeyPurposeId.id_kp_serverAuth, valid());
  }

  public static Held device(Held ca, String cn) {
    return leaf(ca, cn, List.of(), List.of(), KeyPurposeId.id_kp_clientAuth, valid());
  }

  public static Held leaf(
      Held ca,
      String cn,
      List<String> dns,
      List<String> ips,
      KeyPurposeId eku,
      Instant[] validity) {
    KeyPair k = ecKey();
    return new Held(
        build(
            cn,
            subjectOf(ca),
            k.getPublic(),
            ca.keys().getPrivate(),
            ca.cert(),
            false,
            dns,
            ips,
            eku,
            validity,
            null),
        k);
  }

  public static Held selfSignedServer(String cn, List<String> dns, List<String> ips) {
    KeyPair k = ecKey();
    return new Held(
        build(
            cn,
            cn,
            k.getPublic(),
            k.getPrivate(),
            null,
            false,
            dns,
            ips,
            KeyPurposeId.id_kp_serverAuth,
            valid(),
            null),
        k);
  }

  public static Instant[] valid() {
    Instant now = Instant.now();
    return new Instant[] {now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))};
  }

  public static Instant[] expired() {
    Instant now = Instant.now();
    return new Instant[] {now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35))};
  }

  public static Instant[] notYetValid() {
    Instant now = Instant.now();
    return new Instant[] {now.plus(Duration.ofDays(10)), now.plus(Duration.ofDays(400))};
  }

  public static X509CRL crl(Held ca, List<X509Certificate> revoked, Instant nextUpdate) {
    try {
      Instant now = Instant.now();
      X509v2CRLBuilder b =
          new X509v2CRLBuilder(
              new X500Name(subjectOf(ca)), Date.from(now.minus(Duration.ofHours(1))));
      b.setNextUpdate(Date.from(nextUpdate));
      for (X509Certificate c : revoked) {
        b.addCRLEntry(
            c.getSerialNumber(),
            Date.from(now.minus(Duration.ofMinutes(30))),
            CRLReason.keyCompromise);
      }
      b.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.cert()));
      ContentSigner s =
          new JcaContentSignerBuilder("SHA256withECDSA").build(ca.keys().getPrivate());
      return new JcaX509CRLConverter().getCRL(b.build(s));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String subjectOf(Held h) {
    return h.cert().getSubjectX500Principal().getName();
  }

  private static X509Certificate build(
      String subjectCn,
      String issuerDn,
      java.security.PublicKey pub,
      PrivateKey signer,
      X509Certificate issuerCert,
      boolean ca,
      List<String> dns,
      List<String> ips,
      KeyPurposeId eku,
      Instant[] validity,
      Object unused) {
    try {
      X500Name subject =
          subjectCn.contains("=") ? new X500Name(subjectCn) : new X500Name("CN=" + subjectCn);
      X500Name issuer =
          issuerDn.contains("=") ? new X500Name(issuerDn) : new X500Name("CN=" + issuerDn);
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(validity[0]),
              Date.from(validity[1]),
              subject,
              pub);
      JcaX509ExtensionUtils u = new JcaX509ExtensionUtils();
      b.addExtension(Extension.subjectKeyIdentifier, false, u.createSubjectKeyIdentifier(pub));
      if (issuerCert != null) {
        b.addExtension(
            Extension.authorityKeyIdentifier, false, u.createAuthorityKeyIdentifier(issuerCert));
      }
      if (ca) {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        if (eku != null) {
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        List<GeneralName> names = new ArrayList<>();
        dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        for (String ip : ips) {
          names.add(
              new GeneralName(
                  GeneralName.iPAddress,
                  new org.bouncycastle.asn1.DEROctetString(
                      InetAddress.getByName(ip).getAddress())));
        }
        if (!names.isEmpty()) {
          b.addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(names.toArray(GeneralName[]::new)));
        }
      }
      ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
      return new JcaX509CertificateConverter().getCertificate(b.build(s));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  /** PKCS#8 "PRIVATE KEY" PEM, the form OpenSSL 3 reads for every key type. */
  public static String pkcs8(PrivateKey k) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(
                64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(k.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  public static String pems(Object... objects) {
    StringBuilder b = new StringBuilder();
    for (Object o : objects) {
      b.append(o instanceof Held h ? pem(h.cert()) : pem(o));
    }
    return b.toString();
  }
}
