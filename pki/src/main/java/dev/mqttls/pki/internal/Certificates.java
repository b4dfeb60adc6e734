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
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
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

  /**
   * What goes into a certificate besides names, key and dates: the one description both the CA's
   * profiles and {@link dev.mqttls.pki.HeldCertificate} issue from.
   *
   * @param basicConstraints whether the basicConstraints extension is present (critical)
   * @param ca its cA flag
   * @param pathLength its pathLenConstraint, −1 for none
   * @param keyUsage BouncyCastle {@link KeyUsage} bits (critical), or null for no extension
   * @param extendedKeyUsage purpose OIDs (non-critical), none for no extension
   * @param dnsNames DNS subject alternative names
   * @param ipAddresses IP subject alternative names
   * @param uris URI subject alternative names
   * @param extensions further extensions by OID
   */
  public record Profile(
      boolean basicConstraints,
      boolean ca,
      int pathLength,
      Integer keyUsage,
      List<String> extendedKeyUsage,
      List<String> dnsNames,
      List<InetAddress> ipAddresses,
      List<String> uris,
      Map<String, RawExtension> extensions) {

    /** A CA: CA:TRUE with this path length (−1 for none), keyCertSign and cRLSign. */
    static Profile caProfile(int pathLength) {
      return new Profile(
          true,
          true,
          pathLength,
          KeyUsage.keyCertSign | KeyUsage.cRLSign,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          Map.of());
    }

    /** An end entity for {@code purpose}, with the key usage its key type needs. */
    static Profile endEntity(
        PublicKey key, String purpose, List<String> dnsNames, List<InetAddress> ips) {
      return endEntity(key, List.of(purpose), dnsNames, ips);
    }

    /** An end entity for these purposes, with the key usage its key type needs. */
    static Profile endEntity(
        PublicKey key, List<String> purposes, List<String> dnsNames, List<InetAddress> ips) {
      // RSA key exchange (TLS 1.2 without ECDHE) needs keyEncipherment; ECDSA keys only sign.
      int usage =
          KeyUsage.digitalSignature
              | (key.getAlgorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0);
      return new Profile(true, false, -1, usage, purposes, dnsNames, ips, List.of(), Map.of());
    }
  }

  /** An extension given as its DER value. */
  public record RawExtension(boolean critical, byte[] der) {}

  /** A subject or issuer name from its RFC 4514 form. */
  public static X500Name name(String distinguishedName) {
    return X500Name.getInstance(
        new javax.security.auth.x500.X500Principal(distinguishedName).getEncoded());
  }

  /** A CA certificate; {@code pathLength} −1 for no limit. */
  public static X509Certificate ca(
      Signer issuer,
      X500Name subject,
      PublicKey key,
      Instant notBefore,
      Instant notAfter,
      int pathLength) {
    return issue(
        issuer,
        subject,
        key,
        notBefore,
        notAfter,
        newSerial(),
        null,
        Profile.caProfile(pathLength));
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
    return withNames(
        issuer,
        cn,
        key,
        notBefore,
        notAfter,
        List.of(KeyPurposeId.id_kp_serverAuth.getId()),
        dnsNames,
        ips);
  }

  /**
   * A cluster node certificate: serverAuth and clientAuth, DNS and IP SANs. Each end of a
   * node-to-node connection presents the same certificate, so it must serve both roles.
   */
  public static X509Certificate node(
      Signer issuer,
      String cn,
      PublicKey key,
      Instant notBefore,
      Instant notAfter,
      List<String> dnsNames,
      List<InetAddress> ips) {
    return withNames(
        issuer,
        cn,
        key,
        notBefore,
        notAfter,
        List.of(KeyPurposeId.id_kp_serverAuth.getId(), KeyPurposeId.id_kp_clientAuth.getId()),
        dnsNames,
        ips);
  }

  /** An end-entity certificate for {@code purposes} (EKU OIDs), with DNS and IP SANs. */
  private static X509Certificate withNames(
      Signer issuer,
      String cn,
      PublicKey key,
      Instant notBefore,
      Instant notAfter,
      List<String> purposes,
      List<String> dnsNames,
      List<InetAddress> ips) {
    return issue(
        issuer,
        commonName(cn),
        key,
        notBefore,
        notAfter,
        newSerial(),
        null,
        Profile.endEntity(key, purposes, dnsNames, ips));
  }

  /** A device (TLS client) certificate: CN = device id, clientAuth. */
  public static X509Certificate device(
      Signer issuer, String id, PublicKey key, Instant notBefore, Instant notAfter) {
    return issue(
        issuer,
        commonName(id),
        key,
        notBefore,
        notAfter,
        newSerial(),
        null,
        Profile.endEntity(key, KeyPurposeId.id_kp_clientAuth.getId(), List.of(), List.of()));
  }

  /**
   * Issues one certificate: the single place certificates are made.
   *
   * @param signatureAlgorithm a JCA name, or null for the issuer key's default
   */
  public static X509Certificate issue(
      Signer issuer,
      X500Name subject,
      PublicKey key,
      Instant notBefore,
      Instant notAfter,
      BigInteger serial,
      String signatureAlgorithm,
      Profile profile) {
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer.name(), serial, Date.from(notBefore), Date.from(notAfter), subject, key);
      b.addExtension(
          Extension.subjectKeyIdentifier, false, EXT_UTILS.get().createSubjectKeyIdentifier(key));
      if (issuer.publicKey() != key) {
        b.addExtension(
            Extension.authorityKeyIdentifier,
            false,
            EXT_UTILS.get().createAuthorityKeyIdentifier(issuer.publicKey()));
      }
      if (profile.basicConstraints()) {
        b.addExtension(
            Extension.basicConstraints,
            true,
            !profile.ca()
                ? new BasicConstraints(false)
                : profile.pathLength() < 0
                    ? new BasicConstraints(true)
                    : new BasicConstraints(profile.pathLength()));
      }
      if (profile.keyUsage() != null) {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(profile.keyUsage()));
      }
      if (!profile.extendedKeyUsage().isEmpty()) {
        KeyPurposeId[] ids =
            profile.extendedKeyUsage().stream()
                .map(o -> KeyPurposeId.getInstance(new ASN1ObjectIdentifier(o)))
                .toArray(KeyPurposeId[]::new);
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ids));
      }
      List<GeneralName> names = new ArrayList<>();
      profile.dnsNames().forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
      profile
          .ipAddresses()
          .forEach(
              ip ->
                  names.add(
                      new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress()))));
      profile
          .uris()
          .forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
      if (!names.isEmpty()) {
        b.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
      for (Map.Entry<String, RawExtension> e : profile.extensions().entrySet()) {
        b.addExtension(
            new ASN1ObjectIdentifier(e.getKey()), e.getValue().critical(), e.getValue().der());
      }
      String algorithm =
          signatureAlgorithm != null
              ? signatureAlgorithm
              : Keys.signatureAlgorithm(issuer.publicKey());
      JcaContentSignerBuilder sb = new JcaContentSignerBuilder(algorithm);
      // Keys made by the CA come from BouncyCastle; keys made elsewhere sign with the JDK.
      if (issuer.privateKey().getClass().getName().startsWith("org.bouncycastle")) {
        sb.setProvider(Keys.BC);
      }
      ContentSigner signer = sb.build(issuer.privateKey());
      return parse(b.build(signer).getEncoded());
    } catch (OperatorCreationException | java.io.IOException | IllegalArgumentException e) {
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
