package dev.mqttls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renewal, re-issue and the index history, through the API. */
class RenewalTest {
  @TempDir Path tmp;

  private CertificateAuthority ca() {
    return CertificateAuthority.init(tmp.resolve("pki"), CaOptions.defaults());
  }

  private static X509Certificate cert(Path file) throws Exception {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Test
  void history_eachSupersededCertificateKeepsTheKeyItWasIssuedFor() throws Exception {
    CertificateAuthority ca = ca();
    IssuedCertificate s1 = ca.issueDevice("d", DeviceOptions.defaults());
    Renewal r2 = ca.renew("d", RenewOptions.defaults());
    Renewal r3 = ca.renew("d", RenewOptions.defaults().withRekey());

    List<IssuedCertificate> history = ca.history();
    assertThat(history)
        .extracting(IssuedCertificate::serial)
        .containsExactly(s1.serial(), r2.issued().serial(), r3.issued().serial());
    // s1 and s2 share the first key, filed under s2's serial when s3 replaced it.
    Path firstKey = history.get(1).keyFile().orElseThrow();
    assertThat(firstKey.toString()).contains("history").contains(r2.issued().serialHex());
    assertThat(history.get(0).keyFile()).contains(firstKey);
    assertThat(history.get(2).keyFile().orElseThrow()).isEqualTo(tmp.resolve("pki/private/d.key"));
    for (IssuedCertificate e : history) {
      assertThat(cert(e.certificateFile()).getSerialNumber()).isEqualTo(e.serial());
    }
    assertThat(cert(history.get(0).certificateFile()).getPublicKey())
        .isEqualTo(cert(history.get(1).certificateFile()).getPublicKey())
        .isNotEqualTo(cert(history.get(2).certificateFile()).getPublicKey());
    assertThat(ca.list())
        .singleElement()
        .extracting(IssuedCertificate::serial)
        .isEqualTo(r3.issued().serial());
  }

  @Test
  void revokeBySerial_reachesASupersededCertificate_andTheCrlListsIt() throws Exception {
    CertificateAuthority ca = ca();
    IssuedCertificate s1 = ca.issueDevice("d", DeviceOptions.defaults());
    Renewal r = ca.renew("d", RenewOptions.defaults());
    IssuedCertificate revoked = ca.revoke(s1.serialHex(), RevocationReason.SUPERSEDED);
    assertThat(revoked.serial()).isEqualTo(s1.serial());
    assertThat(ca.find("d").orElseThrow().serial()).isEqualTo(r.issued().serial());
    assertThat(ca.find("d").orElseThrow().revoked()).isFalse();
    assertThat(ca.crlStatus().orElseThrow().revokedCount()).isEqualTo(1);
    // The id's current certificate is valid, so issuing the id again is refused.
    assertThatThrownBy(() -> ca.issueDevice("d", DeviceOptions.defaults()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("mqttls pki renew d");
  }

  @Test
  void renewCsr_certifiesTheDeviceKey_andFilesTheCaHeldKey() throws Exception {
    CertificateAuthority ca = ca();
    IssuedCertificate s1 = ca.issueDevice("m", DeviceOptions.defaults());
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair device = g.generateKeyPair();
    byte[] csr = CertificateAuthorityTest.csr(device, "CN=whatever").getEncoded();

    Renewal r = ca.renewCsr("m", csr, RenewOptions.defaults());
    assertThat(cert(r.issued().certificateFile()).getPublicKey()).isEqualTo(device.getPublic());
    assertThat(r.issued().keyFile()).isEmpty();
    assertThat(tmp.resolve("pki/private/m.key")).doesNotExist();
    assertThat(r.previous().keyFile().orElseThrow()).exists();
    assertThat(r.previous().serial()).isEqualTo(s1.serial());
    // The key lives on the device now: the CA cannot make it a new one.
    assertThatThrownBy(() -> ca.renew("m", RenewOptions.defaults().withRekey()))
        .isInstanceOf(PkiException.class)
        .extracting(e -> ((PkiException) e).reason())
        .isEqualTo(PkiException.Reason.KEY_NOT_AVAILABLE);
  }

  @Test
  void unknownId_refusedByName() {
    CertificateAuthority ca = ca();
    assertThatThrownBy(() -> ca.renew("ghost", RenewOptions.defaults()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("ghost");
  }

  @Test
  void rollover_twiceRefused_retireWithoutRolloverRefused() {
    CertificateAuthority ca = ca();
    assertThatThrownBy(() -> ca.retirePrevious(false))
        .isInstanceOf(PkiException.class)
        .extracting(e -> ((PkiException) e).reason())
        .isEqualTo(PkiException.Reason.ROLLOVER_STATE);
    Rollover r = ca.rollover(ca.nextGeneration());
    assertThat(r.newRoot().getSubjectX500Principal().getName()).isEqualTo("CN=mqttls CA G2");
    assertThat(r.ca().nextGeneration().name()).isEqualTo("mqttls CA G3");
    assertThatThrownBy(() -> r.ca().rollover(r.ca().nextGeneration()))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("retire-old");
    assertThat(r.ca().retirePrevious(false).stillUnderRetired()).isEmpty();
    assertThat(r.ca().rolloverInProgress()).isFalse();
  }
}
