package dev.mqttls.pki.internal;

import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds the CA's certificates with the extensions each kind needs (RFC 5280 profile). */
public final class Certificates {
  private static final SecureRandom RANDOM = new SecureRandom();
  // JcaX509ExtensionUtils holds a message digest, which is not thread-safe: one per thread.
  private static final ThreadLocal<JcaX509ExtensionUtils> EXT_UTILS =
      ThreadLocal.withInitial(
          () -> {
            try {
              return new JcaX509ExtensionUtils();
            } catch (GeneralSecurityException e) {
              throw new IllegalStateException(e);
            }
          });

  private Certificates() {}

  /** The issuer side of a signature: certificate (absent when self-signing) and private key. */
  public record Signer(X500Name name, PublicKey publicKey, PrivateKey privateKey) {}

  /** A subject name with only a common name. */
  public static X500Name commonName(String cn) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
  }

  /** The issuer side for a CA certificate already on disk. */
  public static Signer signer(X509Certificate caCert, PrivateKey key) {
    return new Signer(
        X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()),
        caCert.getPublicKey(),
        key);
  }

  /**
   * A fresh random serial: 127 bits of randomness, positive, so serials never collide and never
   * need a counter file.
   */
  public static BigInteger newSerial() {
    return new BigInteger(127, RANDOM).setBit(126);
  }

  /** A CA certificate; {@code pathLength} −1 for no limit. */
  public static X509Certificate ca(
      Signer issuer,
      X500Name subject,
      PublicKey key,
      Instant notBefore,
      Instant notAfter,
      int pathLength) {
    return build(
        issuer,
        subject,
        key,
        notBefore,
        notAfter,
        b -> {
          b.addExtension(
              Extension.basicConstraints,
              true,
              pathLength < 0 ? new BasicConstraints(true) : new BasicConstraints(pathLength));
          b.addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        });
  }

  /** A TLS server certificate: serverAuth, DNS and IP SANs. */
  public static X509Certificate server(
      Signer issuer,
      String cn,
      PublicKey key,
      Instant notBefore,
      Instant notAfter,
      List<String> dnsNames,
      List<InetAddress> ips) {
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
    ips.forEach(
        ip ->
            names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress()))));
    return build(
        issuer,
        commonName(cn),
        key,
        notBefore,
        notAfter,
        b -> {
          endEntity(b, key);
          b.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
          b.addExtension(
              Extension.subjectAlternativeName,
              false,
              new GeneralNames(names.toArray(new GeneralName[0])));
        });
  }

  /** A device (TLS client) certificate: CN = device id, clientAuth. */
  public static X509Certificate device(
      Signer issuer, String id, PublicKey key, Instant notBefore, Instant notAfter) {
    return build(
        issuer,
        commonName(id),
        key,
        notBefore,
        notAfter,
        b -> {
          endEntity(b, key);
          b.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        });
  }

  private static void endEntity(X509v3CertificateBuilder b, PublicKey key) throws CertIOException {
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    // RSA key exchange (TLS 1.2 without ECDHE) needs keyEncipherment; ECDSA keys only sign.
    int usage =
        KeyUsage.digitalSignature
            | (key.getAlgorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0);
    b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
  }

  private interface Extensions {
    void add(X509v3CertificateBuilder builder) throws CertIOException;
  }

  private static X509Certificate build(
      Signer issuer,
      X500Name subject,
      PublicKey key,
      Instant notBefore,
      Instant notAfter,
      Extensions extensions) {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer.name(), newSerial(), Date.from(notBefore), Date.from(notAfter), subject, key);
      b.addExtension(
          Extension.subjectKeyIdentifier, false, EXT_UTILS.get().createSubjectKeyIdentifier(key));
      if (issuer.publicKey() != key) {
        b.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            EXT_UTILS.get().createAuthorityKeyIdentifier(issuer.publicKey()));
      }
      extensions.add(b);
      ContentSigner signer =
          new JcaContentSignerBuilder(Keys.signatureAlgorithm(issuer.publicKey()))
              .setProvider(Keys.BC)
              .build(issuer.privateKey());
      return parse(b.build(signer).getEncoded());
    } catch (OperatorCreationException | java.io.IOException e) {
      throw new PkiException(Reason.IO, "cannot build certificate: " + Keys.oneLine(e), e);
    }
  }

  /** Parses one DER certificate with the JDK's factory. */
  public static X509Certificate parse(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      // The JDK's message names its own exception classes; the cause keeps it for debugging.
      throw new PkiException(Reason.CORRUPT_FILE, "not an X.509 certificate", e);
    }
  }

  /** The PEM text of a certificate. */
  public static String toPem(X509Certificate cert) {
    try {
      return Pem.encode("CERTIFICATE", cert.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new PkiException(Reason.IO, "cannot encode certificate: " + Keys.oneLine(e), e);
    }
  }

  /** Reads every certificate of a PEM (or single DER) file's contents. */
  public static List<X509Certificate> readAll(byte[] content, String what) {
    String text = new String(content, java.nio.charset.StandardCharsets.US_ASCII);
    List<X509Certificate> certs = new ArrayList<>();
    try {
      if (Pem.looksLikePem(text)) {
        for (Pem.Block block : Pem.decodeAll(text)) {
          if (block.type().equals("CERTIFICATE")) {
            certs.add(parse(block.der()));
          }
        }
      } else {
        certs.add(parse(content));
      }
    } catch (IllegalArgumentException | PkiException e) {
      throw new PkiException(
          Reason.CORRUPT_FILE,
          what + " holds no readable certificate (neither PEM nor DER X.509)",
          e);
    }
    if (certs.isEmpty()) {
      throw new PkiException(Reason.CORRUPT_FILE, what + " holds no certificate");
    }
    return certs;
  }
}
