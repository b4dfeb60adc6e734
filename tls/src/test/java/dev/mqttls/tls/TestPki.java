package dev.mqttls.tls;

import dev.mqttls.pki.HeldCertificate;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Shortcuts over pki's {@link HeldCertificate} for this module's tests: CAs, server and device
 * certificates, CRLs, and the files a listener reads.
 */
final class TestPki {
  /** A key pair with its certificate and the CA that signed it (null for a root). */
  record Issued(KeyPair keys, X509Certificate cert, Issued issuer) {
    List<X509Certificate> chain() {
      List<X509Certificate> out = new ArrayList<>();
      for (Issued i = this; i != null; i = i.issuer) {
        out.add(i.cert);
      }
      return out;
    }

    HeldCertificate held() {
      return HeldCertificate.of(cert, keys);
    }
  }

  /** A fresh key: {@code P-256}, {@code P-384}, {@code Ed25519} or {@code RSA<bits>}. */
  static KeyPair keys(String type) {
    try {
      if (type.startsWith("P-")) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp" + type.substring(2) + "r1"));
        return g.generateKeyPair();
      }
      if (type.equals("Ed25519")) {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(Integer.parseInt(type.substring(3)));
      return g.generateKeyPair();
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

  /**
   * @param sans DNS names, IPv4 literals, or {@code uri:...}
   */
  static Issued issue(
      String cn,
      KeyPair keys,
      Issued issuer,
      boolean isCa,
      List<String> sans,
      Instant notBefore,
      Instant notAfter) {
    HeldCertificate.Builder b =
        HeldCertificate.newBuilder().commonName(cn).keyPair(keys).validity(notBefore, notAfter);
    if (isCa) {
      b.certificateAuthority();
    }
    for (String s : sans) {
      if (s.startsWith("uri:")) {
        b.addUriName(s.substring(4));
      } else {
        b.addSubjectAlternativeName(s);
      }
    }
    if (issuer != null) {
      b.signedBy(issuer.held());
    }
    return new Issued(keys, b.build().certificate(), issuer);
  }

  /** A device certificate whose extendedKeyUsage allows only TLS server authentication. */
  static Issued serverAuthOnlyDevice(Issued ca, String cn) {
    HeldCertificate h =
        HeldCertificate.newBuilder()
            .commonName(cn)
            .extendedKeyUsage(HeldCertificate.ExtendedUsage.SERVER_AUTH)
            .validFor(Duration.ofDays(30))
            .signedBy(ca.held())
            .build();
    return new Issued(h.keyPair(), h.certificate(), ca);
  }

  static X509CRL crl(Issued ca, Instant nextUpdate, X509Certificate... revoked) {
    return ca.held().revocationList(List.of(revoked), Instant.now().minusSeconds(60), nextUpdate);
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

  private TestPki() {}
}
