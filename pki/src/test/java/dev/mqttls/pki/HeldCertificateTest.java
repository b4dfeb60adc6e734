package dev.mqttls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.pki.HeldCertificate.ExtendedUsage;
import dev.mqttls.pki.HeldCertificate.Usage;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The in-memory issuing core: what each builder setting puts into the certificate. */
class HeldCertificateTest {
  @Test
  void defaults_ecdsaP256EndEntityValidForADay() {
    HeldCertificate h = HeldCertificate.newBuilder().commonName("sensor-1").build();
    X509Certificate c = h.certificate();
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=sensor-1");
    assertThat(c.getIssuerX500Principal()).isEqualTo(c.getSubjectX500Principal());
    assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(c.getBasicConstraints()).isEqualTo(-1);
    assertThat(c.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(c.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant()))
        .isEqualTo(Duration.ofHours(25));
    assertThat(h.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void chainOfRootIntermediateAndDevice_validatesWithPkix() throws Exception {
    HeldCertificate root =
        HeldCertificate.newBuilder().commonName("Root").certificateAuthority(1).build();
    HeldCertificate inter =
        HeldCertificate.newBuilder()
            .commonName("Issuing")
            .certificateAuthority(0)
            .ecdsa384()
            .signedBy(root)
            .build();
    HeldCertificate device =
        HeldCertificate.newBuilder()
            .commonName("sensor-1")
            .addSubjectAlternativeName("sensor-1.example")
            .addSubjectAlternativeName("10.0.0.7")
            .addUriName("spiffe://fleet/sensor-1")
            .extendedKeyUsage(ExtendedUsage.CLIENT_AUTH)
            .signedBy(inter)
            .build();
    assertThat(inter.certificate().getBasicConstraints()).isZero();
    assertThat(device.certificate().getExtendedKeyUsage())
        .containsExactly(ExtendedUsage.CLIENT_AUTH.oid());
    List<Object> names = new java.util.ArrayList<>();
    device.certificate().getSubjectAlternativeNames().forEach(san -> names.add(san.get(1)));
    assertThat(names).containsExactly("sensor-1.example", "10.0.0.7", "spiffe://fleet/sensor-1");
    PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(root.certificate(), null)));
    p.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(
            CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(device.certificate(), inter.certificate())),
            p);
  }

  @Test
  void unusualSettings_endUpInTheCertificate() throws Exception {
    HeldCertificate odd =
        HeldCertificate.newBuilder()
            .certificateAuthority()
            .withoutBasicConstraints()
            .keyUsage(Usage.DIGITAL_SIGNATURE)
            .addExtension("1.3.6.1.4.1.55555.1", true, new byte[] {0x05, 0x00})
            .rsa2048()
            .signatureAlgorithm("SHA384withRSA")
            .build();
    X509Certificate c = odd.certificate();
    assertThat(c.getExtensionValue("2.5.29.19")).isNull();
    assertThat(c.getKeyUsage()[5]).isFalse();
    assertThat(c.getCriticalExtensionOIDs()).contains("1.3.6.1.4.1.55555.1");
    assertThat(c.getSigAlgName()).isEqualTo("SHA384withRSA");
    assertThat(
            HeldCertificate.newBuilder()
                .withoutKeyUsage()
                .ed25519()
                .build()
                .certificate()
                .getKeyUsage())
        .isNull();
  }

  @Test
  void revocationList_listsTheRevokedSerialsSignedByTheCa() throws Exception {
    HeldCertificate ca = HeldCertificate.newBuilder().certificateAuthority().build();
    HeldCertificate lost = HeldCertificate.newBuilder().signedBy(ca).build();
    HeldCertificate kept = HeldCertificate.newBuilder().signedBy(ca).build();
    Instant now = Instant.now();
    X509CRL crl = ca.revocationList(List.of(lost.certificate()), now, now.plus(Duration.ofDays(7)));
    crl.verify(ca.certificate().getPublicKey());
    assertThat(crl.isRevoked(lost.certificate())).isTrue();
    assertThat(crl.isRevoked(kept.certificate())).isFalse();
  }

  @Test
  void badArguments_throwAtTheSetter() {
    Instant now = Instant.now();
    assertThatThrownBy(() -> HeldCertificate.newBuilder().validity(now, now.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("notAfter");
    assertThatThrownBy(() -> HeldCertificate.newBuilder().certificateAuthority(-2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HeldCertificate.newBuilder().subject("not a DN"))
        .isInstanceOf(IllegalArgumentException.class);
    HeldCertificate a = HeldCertificate.newBuilder().build();
    HeldCertificate b = HeldCertificate.newBuilder().build();
    assertThatThrownBy(() -> HeldCertificate.of(a.certificate(), b.keyPair()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
