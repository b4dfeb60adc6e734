package dev.mqttls.tls.client;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLHandshakeException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.junit.jupiter.api.Test;

/** The broker's alert is found in what each engine throws, and said in words. */
class PeerAlertTest {

  @Test
  void boringSsl_revokedAlert_isNamedRevoked() {
    SSLHandshakeException e =
        new SSLHandshakeException(
            "error:10000414:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_REVOKED");
    PeerAlert a = PeerAlert.of(new RuntimeException("wrapped", e)).orElseThrow();
    assertThat(a.code()).isEqualTo(44);
    assertThat(a.name()).isEqualTo("certificate_revoked");
    assertThat(a.meaning()).contains("revoked").doesNotContain("error:");
    assertThat(a.isAboutOurCertificate()).isTrue();
  }

  @Test
  void boringSsl_unknownCaAndCertificateRequired() {
    assertThat(PeerAlert.of(new SSLHandshakeException("error:10000418:SSL routines:x")))
        .contains(new PeerAlert(48, "unknown_ca"));
    assertThat(PeerAlert.of(new SSLHandshakeException("error:1000045c:SSL routines:x")))
        .contains(new PeerAlert(116, "certificate_required"));
  }

  @Test
  void boringSsl_errorOfAnotherLibrary_isNoAlert() {
    assertThat(PeerAlert.of(new SSLHandshakeException("error:0A000086:lib(20)::x"))).isEmpty();
  }

  @Test
  void jdk_receivedFatalAlert() {
    assertThat(PeerAlert.of(new SSLHandshakeException("Received fatal alert: certificate_expired")))
        .contains(new PeerAlert(45, "certificate_expired"));
  }

  @Test
  void bouncyCastle_alertByType() {
    assertThat(PeerAlert.of(new TlsFatalAlertReceived(AlertDescription.unknown_ca)))
        .contains(new PeerAlert(48, "unknown_ca"));
  }

  @Test
  void otherFailures_areNoAlert() {
    assertThat(PeerAlert.of(new SSLHandshakeException("PKIX path building failed"))).isEmpty();
    assertThat(PeerAlert.of(new IllegalStateException())).isEmpty();
  }
}
