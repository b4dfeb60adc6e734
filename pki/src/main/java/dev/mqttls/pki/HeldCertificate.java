package dev.mqttls.pki;

import dev.mqttls.pki.internal.Certificates;
import dev.mqttls.pki.internal.Crls;
import dev.mqttls.pki.internal.Keys;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A certificate together with its key pair, made in memory: the issuing core that needs no
 * directory. Roots, intermediates, servers and devices are all built with {@link #newBuilder()};
 * the file-based {@link CertificateAuthority} issues through the same code.
 *
 * <pre>{@code
 * HeldCertificate root = HeldCertificate.newBuilder().commonName("Fleet Root")
 *     .certificateAuthority(1).build();
 * HeldCertificate device = HeldCertificate.newBuilder().commonName("sensor-1")
 *     .extendedKeyUsage(ExtendedUsage.CLIENT_AUTH).signedBy(root).build();
 * }</pre>
 *
 * <p>Immutable. {@link #toString()} names the subject only, never the key.
 */
public final class HeldCertificate {
  private final X509Certificate certificate;
  private final KeyPair keyPair;

  private HeldCertificate(X509Certificate certificate, KeyPair keyPair) {
    this.certificate = certificate;
    this.keyPair = keyPair;
  }

  /** Holds an existing certificate and its key pair, e.g. to sign with a CA read from files. */
  public static HeldCertificate of(X509Certificate certificate, KeyPair keyPair) {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(keyPair, "keyPair");
    if (!certificate.getPublicKey().equals(keyPair.getPublic())
        && !java.util.Arrays.equals(
            certificate.getPublicKey().getEncoded(), keyPair.getPublic().getEncoded())) {
      throw new IllegalArgumentException("keyPair is not the certificate's key pair");
    }
    return new HeldCertificate(certificate, keyPair);
  }

  /** A builder with the defaults: ECDSA P-256, an end entity, valid from an hour ago for a day. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The key pair whose public half the certificate holds. */
  public KeyPair keyPair() {
    return keyPair;
  }

  /** The certificate as a PEM {@code CERTIFICATE} block. */
  public String certificatePem() {
    return Certificates.toPem(certificate);
  }

  /** The private key as a PKCS#8 {@code PRIVATE KEY} PEM block (what OpenSSL 3 writes). */
  public String privateKeyPkcs8Pem() {
    return Keys.toPem(keyPair.getPrivate());
  }

  /**
   * A certificate revocation list signed by this (CA) certificate, listing {@code revoked} as
   * revoked for key compromise half an hour before {@code thisUpdate}.
   */
  public X509CRL revocationList(
      List<X509Certificate> revoked, Instant thisUpdate, Instant nextUpdate) {
    List<Crls.Entry> entries = new ArrayList<>();
    for (X509Certificate c : revoked) {
      entries.add(
          new Crls.Entry(
              c.getSerialNumber(),
              thisUpdate.minus(Duration.ofMinutes(30)),
              RevocationReason.KEY_COMPROMISE.code()));
    }
    return Crls.sign(
        certificate, keyPair.getPrivate(), entries, thisUpdate, nextUpdate, BigInteger.ONE);
  }

  @Override
  public String toString() {
    return "HeldCertificate[" + certificate.getSubjectX500Principal().getName() + "]";
  }

  /** RFC 5280 section 4.2.1.3 key usage bits. */
  public enum Usage {
    /** Signs data other than certificates and CRLs, e.g. a TLS handshake. */
    DIGITAL_SIGNATURE(0),
    /** Non-repudiation (content commitment). */
    NON_REPUDIATION(1),
    /** Encrypts keys, e.g. the RSA key exchange of TLS 1.2. */
    KEY_ENCIPHERMENT(2),
    /** Encrypts data directly. */
    DATA_ENCIPHERMENT(3),
    /** Key agreement, e.g. static ECDH. */
    KEY_AGREEMENT(4),
    /** Signs certificates: what a CA needs. */
    KEY_CERT_SIGN(5),
    /** Signs certificate revocation lists. */
    CRL_SIGN(6);

    private final int bit;

    Usage(int bit) {
      this.bit = bit;
    }

    /** The bit's position in the DER bit string (0 = digitalSignature). */
    public int bit() {
      return bit;
    }
  }

  /** RFC 5280 section 4.2.1.12 extended key usage purposes. */
  public enum ExtendedUsage {
    /** TLS server authentication. */
    SERVER_AUTH("1.3.6.1.5.5.7.3.1"),
    /** TLS client authentication. */
    CLIENT_AUTH("1.3.6.1.5.5.7.3.2"),
    /** Code signing. */
    CODE_SIGNING("1.3.6.1.5.5.7.3.3"),
    /** E-mail protection (S/MIME). */
    EMAIL_PROTECTION("1.3.6.1.5.5.7.3.4"),
    /** Any purpose (anyExtendedKeyUsage). */
    ANY("2.5.29.37.0");

    private final String oid;

    ExtendedUsage(String oid) {
      this.oid = oid;
    }

    /** The purpose's object identifier. */
    public String oid() {
      return oid;
    }
  }

  /**
   * Builds a {@link HeldCertificate}. Setters validate at once, so a mistake points at its caller.
   * Everything is optional; unusual settings (no basic constraints, an unknown critical extension,
   * a foreign signature algorithm) exist so tests can make the certificates verifiers must refuse.
   */
  public static final class Builder {
    private Instant notBefore;
    private Instant notAfter;
    private String subject;
    private final List<String> dnsNames = new ArrayList<>();
    private final List<InetAddress> ipAddresses = new ArrayList<>();
    private final List<String> uris = new ArrayList<>();
    private boolean basicConstraints = true;
    private boolean ca;
    private int pathLength = -1;
    private Set<Usage> keyUsage;
    private boolean keyUsageAbsent;
    private final List<String> extendedKeyUsage = new ArrayList<>();
    private final Map<String, Certificates.RawExtension> extensions = new LinkedHashMap<>();
    private KeyPair keyPair;
    private String keyAlgorithm = "P-256";
    private String signatureAlgorithm;
    private BigInteger serial;
    private HeldCertificate issuer;

    private Builder() {}

    /** Valid from {@code notBefore} to {@code notAfter} (both included). */
    public Builder validity(Instant notBefore, Instant notAfter) {
      Objects.requireNonNull(notBefore, "notBefore");
      Objects.requireNonNull(notAfter, "notAfter");
      if (notAfter.isBefore(notBefore)) {
        throw new IllegalArgumentException("notAfter " + notAfter + " is before " + notBefore);
      }
      this.notBefore = notBefore.truncatedTo(ChronoUnit.SECONDS);
      this.notAfter = notAfter.truncatedTo(ChronoUnit.SECONDS);
      return this;
    }

    /** Valid from an hour ago for {@code duration}. */
    public Builder validFor(Duration duration) {
      Instant now = Instant.now();
      return validity(now.minus(Duration.ofHours(1)), now.plus(duration));
    }

    /** The subject is {@code CN=cn}. */
    public Builder commonName(String cn) {
      Objects.requireNonNull(cn, "cn");
      this.subject = "CN=" + cn.replace("\\", "\\\\").replace(",", "\\,").replace("+", "\\+");
      return this;
    }

    /** The subject as an RFC 4514 distinguished name, e.g. {@code CN=sensor-1,O=Acme}. */
    public Builder subject(String distinguishedName) {
      Objects.requireNonNull(distinguishedName, "distinguishedName");
      new javax.security.auth.x500.X500Principal(distinguishedName); // throws if malformed
      this.subject = distinguishedName;
      return this;
    }

    /** Adds a subject alternative name: an IP address literal, else a DNS name. */
    public Builder addSubjectAlternativeName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.indexOf(':') >= 0 || name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
        try {
          ipAddresses.add(InetAddress.getByName(name)); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
          throw new IllegalArgumentException("not an IP address: " + name, e);
        }
      } else {
        if (name.isEmpty()) {
          throw new IllegalArgumentException("empty DNS name");
        }
        dnsNames.add(name.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /** Adds a URI subject alternative name (e.g. a SPIFFE id). */
    public Builder addUriName(String uri) {
      uris.add(java.net.URI.create(uri).toString());
      return this;
    }

    /** A CA certificate allowing any number of intermediate CAs below it. */
    public Builder certificateAuthority() {
      return certificateAuthority(-1);
    }

    /**
     * A CA certificate (basicConstraints CA:TRUE, keyCertSign and cRLSign).
     *
     * @param pathLength how many intermediate CAs may follow below it; −1 for no limit
     */
    public Builder certificateAuthority(int pathLength) {
      if (pathLength < -1) {
        throw new IllegalArgumentException("pathLength " + pathLength + " < -1");
      }
      this.ca = true;
      this.pathLength = pathLength;
      return this;
    }

    /** Leaves out the basic constraints extension (an RFC 5280 violation for a CA). */
    public Builder withoutBasicConstraints() {
      this.basicConstraints = false;
      return this;
    }

    /** Exactly these key usage bits, instead of the defaults for a CA or an end entity. */
    public Builder keyUsage(Usage... usages) {
      this.keyUsage =
          usages.length == 0 ? EnumSet.noneOf(Usage.class) : EnumSet.of(usages[0], usages);
      this.keyUsageAbsent = false;
      return this;
    }

    /** Leaves out the key usage extension. */
    public Builder withoutKeyUsage() {
      this.keyUsageAbsent = true;
      return this;
    }

    /** Adds extended key usage purposes (none by default: any purpose). */
    public Builder extendedKeyUsage(ExtendedUsage... purposes) {
      for (ExtendedUsage p : purposes) {
        extendedKeyUsage.add(p.oid());
      }
      return this;
    }

    /** Adds an extended key usage purpose by object identifier. */
    public Builder extendedKeyUsage(String oid) {
      new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid); // throws if malformed
      extendedKeyUsage.add(oid);
      return this;
    }

    /**
     * Adds an extension with this DER value: e.g. a critical one no verifier knows, which every
     * verifier must refuse (RFC 5280 section 4.2), or name constraints.
     */
    public Builder addExtension(String oid, boolean critical, byte[] derValue) {
      new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid); // throws if malformed
      extensions.put(oid, new Certificates.RawExtension(critical, derValue.clone()));
      return this;
    }

    /** Uses this key pair instead of generating one (reusing keys keeps big test runs fast). */
    public Builder keyPair(KeyPair keyPair) {
      this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
      return this;
    }

    /** Generates a key of one of the CA's types. */
    public Builder keyType(KeyType type) {
      this.keyAlgorithm = type.isRsa() ? "RSA-" + type.bits() : "P-256";
      return this;
    }

    /** Generates an ECDSA P-256 key (the default). */
    public Builder ecdsa256() {
      this.keyAlgorithm = "P-256";
      return this;
    }

    /** Generates an ECDSA P-384 key. */
    public Builder ecdsa384() {
      this.keyAlgorithm = "P-384";
      return this;
    }

    /** Generates an Ed25519 key. */
    public Builder ed25519() {
      this.keyAlgorithm = "Ed25519";
      return this;
    }

    /** Generates an RSA key with a 2048-bit modulus. */
    public Builder rsa2048() {
      this.keyAlgorithm = "RSA-2048";
      return this;
    }

    /**
     * Signs with this JCA algorithm (e.g. {@code SHA384withECDSA}) instead of the issuer key's
     * default.
     */
    public Builder signatureAlgorithm(String algorithm) {
      this.signatureAlgorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /** Uses this serial number instead of 127 random bits. */
    public Builder serialNumber(BigInteger serial) {
      if (serial.signum() <= 0) {
        throw new IllegalArgumentException("serial must be positive");
      }
      this.serial = serial;
      return this;
    }

    /** Signed by {@code issuer} (whose subject becomes the issuer name); self-signed otherwise. */
    public Builder signedBy(HeldCertificate issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** Generates the key (unless given) and signs the certificate. */
    public HeldCertificate build() {
      KeyPair keys = keyPair != null ? keyPair : generate(keyAlgorithm);
      Instant nb = notBefore;
      Instant na = notAfter;
      if (nb == null) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        nb = now.minus(Duration.ofHours(1));
        na = now.plus(Duration.ofDays(1));
      }
      String subjectName =
          subject != null ? subject : "CN=" + Certificates.newSerial().toString(36);
      Set<Usage> usage = keyUsage;
      if (usage == null && !keyUsageAbsent) {
        usage =
            ca
                ? EnumSet.of(Usage.KEY_CERT_SIGN, Usage.CRL_SIGN)
                : keys.getPublic().getAlgorithm().equals("RSA")
                    ? EnumSet.of(Usage.DIGITAL_SIGNATURE, Usage.KEY_ENCIPHERMENT)
                    : EnumSet.of(Usage.DIGITAL_SIGNATURE);
      }
      int usageBits = 0;
      if (!keyUsageAbsent) {
        for (Usage u : usage) {
          usageBits |= 1 << (7 - u.bit()); // BouncyCastle's KeyUsage bit layout
        }
      }
      Certificates.Profile profile =
          new Certificates.Profile(
              basicConstraints,
              ca,
              pathLength,
              keyUsageAbsent ? null : usageBits,
              List.copyOf(extendedKeyUsage),
              List.copyOf(dnsNames),
              List.copyOf(ipAddresses),
              List.copyOf(uris),
              Map.copyOf(extensions));
      Certificates.Signer signer =
          issuer == null
              ? new Certificates.Signer(
                  Certificates.name(subjectName), keys.getPublic(), keys.getPrivate())
              : Certificates.signer(issuer.certificate, issuer.keyPair.getPrivate());
      X509Certificate cert =
          Certificates.issue(
              signer,
              Certificates.name(subjectName),
              keys.getPublic(),
              nb,
              na,
              serial != null ? serial : Certificates.newSerial(),
              signatureAlgorithm,
              profile);
      return new HeldCertificate(cert, keys);
    }

    private static KeyPair generate(String algorithm) {
      try {
        KeyPairGenerator g;
        switch (algorithm) {
          case "P-256":
          case "P-384":
            g = KeyPairGenerator.getInstance("EC");
            g.initialize(
                new ECGenParameterSpec(algorithm.equals("P-256") ? "secp256r1" : "secp384r1"));
            break;
          case "Ed25519":
            g = KeyPairGenerator.getInstance("Ed25519");
            break;
          default:
            g = KeyPairGenerator.getInstance("RSA");
            g.initialize(
                new RSAKeyGenParameterSpec(
                    Integer.parseInt(algorithm.substring(4)), RSAKeyGenParameterSpec.F4));
        }
        return g.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new PkiException(
            PkiException.Reason.IO, "cannot generate a " + algorithm + " key: " + e, e);
      }
    }
  }
}
