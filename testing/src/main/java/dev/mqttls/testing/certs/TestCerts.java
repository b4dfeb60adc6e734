package dev.mqttls.testing.certs;

import dev.mqttls.pki.HeldCertificate;
import java.io.IOException;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Shortcuts over pki's in-memory core ({@link HeldCertificate}) for tests: CAs, intermediates,
 * servers, devices, CRLs. New tests can use {@link HeldCertificate} directly; this API stays for
 * the tests that already use it.
 */
public final class TestCerts {
  private TestCerts() {}

  /** A certificate with its key and, for CAs, the ability to issue. */
  public record Held(X509Certificate cert, KeyPair keys) {
    /** The certificate as PEM. */
    public String certPem() {
      return pem(cert);
    }

    /** The private key as PKCS#8 PEM. */
    public String keyPem() {
      return pkcs8(keys.getPrivate());
    }

    /** The same certificate and key as pki's {@link HeldCertificate}. */
    public HeldCertificate held() {
      return HeldCertificate.of(cert, keys);
    }
  }

  /** A fresh ECDSA P-256 key pair. */
  public static KeyPair ecKey() {
    return HeldCertificate.newBuilder().build().keyPair();
  }

  /** A self-signed root CA valid from yesterday for a year. */
  public static Held rootCa(String cn) {
    return held(subject(HeldCertificate.newBuilder(), cn).certificateAuthority(), valid());
  }

  /** An intermediate CA issued by {@code parent}. */
  public static Held intermediate(Held parent, String cn) {
    return held(
        subject(HeldCertificate.newBuilder(), cn).certificateAuthority().signedBy(parent.held()),
        valid());
  }

  /** A TLS server certificate (serverAuth) with these DNS and IP names. */
  public static Held server(Held ca, String cn, List<String> dns, List<String> ips) {
    return leaf(ca, cn, dns, ips, KeyPurposeId.id_kp_serverAuth, valid());
  }

  /** A device certificate (clientAuth). */
  public static Held device(Held ca, String cn) {
    return leaf(ca, cn, List.of(), List.of(), KeyPurposeId.id_kp_clientAuth, valid());
  }

  /** An end-entity certificate; {@code eku} may be null for none. */
  public static Held leaf(
      Held ca,
      String cn,
      List<String> dns,
      List<String> ips,
      KeyPurposeId eku,
      Instant[] validity) {
    HeldCertificate.Builder b = subject(HeldCertificate.newBuilder(), cn).signedBy(ca.held());
    names(b, dns, ips);
    if (eku != null) {
      b.extendedKeyUsage(eku.getId());
    }
    return held(b, validity);
  }

  /** A self-signed server certificate (not a CA). */
  public static Held selfSignedServer(String cn, List<String> dns, List<String> ips) {
    HeldCertificate.Builder b =
        subject(HeldCertificate.newBuilder(), cn)
            .extendedKeyUsage(HeldCertificate.ExtendedUsage.SERVER_AUTH);
    names(b, dns, ips);
    return held(b, valid());
  }

  /** From yesterday for a year. */
  public static Instant[] valid() {
    Instant now = Instant.now();
    return new Instant[] {now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))};
  }

  /** Ended 35 days ago. */
  public static Instant[] expired() {
    Instant now = Instant.now();
    return new Instant[] {now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35))};
  }

  /** Starts in 10 days. */
  public static Instant[] notYetValid() {
    Instant now = Instant.now();
    return new Instant[] {now.plus(Duration.ofDays(10)), now.plus(Duration.ofDays(400))};
  }

  /** A CRL of {@code ca} listing {@code revoked}. */
  public static X509CRL crl(Held ca, List<X509Certificate> revoked, Instant nextUpdate) {
    return ca.held().revocationList(revoked, Instant.now().minus(Duration.ofHours(1)), nextUpdate);
  }

  private static HeldCertificate.Builder subject(HeldCertificate.Builder b, String cn) {
    return cn.contains("=") ? b.subject(cn) : b.commonName(cn);
  }

  private static void names(HeldCertificate.Builder b, List<String> dns, List<String> ips) {
    dns.forEach(b::addSubjectAlternativeName);
    ips.forEach(b::addSubjectAlternativeName);
  }

  private static Held held(HeldCertificate.Builder b, Instant[] validity) {
    HeldCertificate h = b.validity(validity[0], validity[1]).build();
    return new Held(h.certificate(), h.keyPair());
  }

  /** PEM of a certificate, CRL or key (BouncyCastle's writer). */
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

  /** Concatenated PEM of certificates ({@link Held} or anything the PEM writer takes). */
  public static String pems(Object... objects) {
    StringBuilder b = new StringBuilder();
    for (Object o : objects) {
      b.append(o instanceof Held h ? pem(h.cert()) : pem(o));
    }
    return b.toString();
  }
}
