package dev.mqttls.doctor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The Let's Encrypt case without a network: a leaf whose intermediate is not sent, with an AIA
 * caIssuers URL, and a CA file holding only the root. The finding names the missing issuer and
 * where the certificate says it can be fetched.
 */
class ServerVerifierTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  private static KeyPair key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate cert(
      String subject,
      String issuer,
      KeyPair subjectKey,
      KeyPair issuerKey,
      boolean ca,
      String aia,
      String dns)
      throws Exception {
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            new X500Name(issuer),
            BigInteger.valueOf(System.nanoTime()),
            Date.from(NOW.minus(Duration.ofDays(10))),
            Date.from(NOW.plus(Duration.ofDays(80))),
            new X500Name(subject),
            subjectKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (aia != null) {
      b.addExtension(
          Extension.authorityInfoAccess,
          false,
          new AuthorityInformationAccess(
              AccessDescription.id_ad_caIssuers,
              new GeneralName(GeneralName.uniformResourceIdentifier, aia)));
    }
    if (dns != null) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dns)));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
  }

  @Test
  void missingIntermediate_namesItAndTheAiaUrl() throws Exception {
    KeyPair rootKey = key();
    KeyPair interKey = key();
    KeyPair leafKey = key();
    X509Certificate root =
        cert(
            "CN=ISRG Root X1 (test)", "CN=ISRG Root X1 (test)", rootKey, rootKey, true, null, null);
    X509Certificate leaf =
        cert(
            "CN=broker.example",
            "CN=R11 (test)",
            leafKey,
            interKey,
            false,
            "http://r11.i.lencr.org/",
            "broker.example");

    ServerVerifier.Outcome o =
        new ServerVerifier(List.of(root), "your CA file ca.crt", NOW, false)
            .verify(List.of(leaf), "broker.example", "broker.example");

    assertThat(o.trusted()).isFalse();
    Finding f =
        o.findings().stream()
            .filter(x -> x.code() == FindingCode.SERVER_ISSUER_MISSING)
            .findFirst()
            .orElseThrow();
    assertThat(f.message()).contains("CN=R11 (test)").contains("http://r11.i.lencr.org/");
    assertThat(f.remedy()).contains("fullchain.pem");
    assertThat(o.findings()).extracting(Finding::code).contains(FindingCode.NAME_MATCHED);
  }

  @Test
  void intermediateSent_chainsToTheRoot() throws Exception {
    KeyPair rootKey = key();
    KeyPair interKey = key();
    KeyPair leafKey = key();
    X509Certificate root = cert("CN=Root", "CN=Root", rootKey, rootKey, true, null, null);
    X509Certificate inter = cert("CN=Inter", "CN=Root", interKey, rootKey, true, null, null);
    X509Certificate leaf =
        cert("CN=broker.example", "CN=Inter", leafKey, interKey, false, null, "broker.example");

    ServerVerifier.Outcome o =
        new ServerVerifier(List.of(root), "your CA file", NOW, false)
            .verify(List.of(leaf, inter), "broker.example", "broker.example");

    assertThat(o.trusted()).as(o.findings().toString()).isTrue();
    assertThat(Certs.caIssuersUrl(leaf)).isNull();
  }
}
