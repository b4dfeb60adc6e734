package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.pki.ExportFormat;
import dev.mqttls.pki.ExportOptions;
import dev.mqttls.pki.KeyType;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A C device built against Debian's mbedTLS 2.28 with our {@code c-header} export compiled in
 * verifies our server certificate (VERIFY_REQUIRED, hostname check) over a real handshake with our
 * broker and with Debian's mosquitto, which in turn require the device certificate from the same
 * header.
 */
class MbedtlsVerifiesServerTest {
  @TempDir Path tmp;

  @BeforeAll
  static void installed() {
    assumeTrue(MbedtlsDevice.available(), "libmbedtls-dev or gcc missing: run ./test.sh");
    assumeTrue(MosquittoProcess.isInstalled(), "mosquitto missing: run ./test.sh");
  }

  private static MosquittoProcess mosquitto(TestPki pki) {
    return MosquittoProcess.builder()
        .listenerLine("cafile " + pki.caFile())
        .listenerLine("certfile " + pki.serverCert())
        .listenerLine("keyfile " + pki.serverKey())
        .listenerLine("require_certificate true")
        .listenerLine("use_identity_as_username true")
        .start();
  }

  private static byte[] header(TestPki pki, String device) {
    pki.device(device);
    return pki.ca().export(device, ExportOptions.of(ExportFormat.C_HEADER).withKey(true), null);
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "RSA_2048"})
  void cHeaderDevice_verifiesServerAndIsAccepted(KeyType type) throws Exception {
    TestPki pki = TestPki.create(tmp, type, false);
    Path device = MbedtlsDevice.build(tmp.resolve("c"), header(pki, "mbed-1"));
    try (MosquittoProcess m = mosquitto(pki)) {
      Exec.Result r = MbedtlsDevice.connect(device, m.port(), "localhost");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.output()).contains("handshake ok", "connack 20 02 00 00");
      // Why the header's _len counts the NUL: without it mbedTLS takes the PEM for DER.
      assertThat(r.output()).contains("ca parse without the NUL: -0x2180");
      assertThat(m.awaitLog("u'mbed-1'", java.time.Duration.ofSeconds(10))).isPresent();
    }
  }

  @Test
  void cHeaderDevice_verifiesOurBrokersCertificateAndIsAccepted() throws Exception {
    TestPki pki = TestPki.create(tmp);
    Path device = MbedtlsDevice.build(tmp.resolve("c"), header(pki, "mbed-ours"));
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1",
            "cafile " + pki.caFile(),
            "certfile " + pki.serverCert(),
            "keyfile " + pki.serverKey(),
            "require_certificate true",
            "use_identity_as_username true")) {
      Exec.Result r = MbedtlsDevice.connect(device, broker.port(), "localhost");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.output()).contains("handshake ok", "connack 20 02 00 00");
    }
  }

  @Test
  void withIntermediate_chainInHeaderVerifies() throws Exception {
    TestPki pki = TestPki.create(tmp, KeyType.EC_P256, true);
    Path device = MbedtlsDevice.build(tmp.resolve("c"), header(pki, "mbed-2"));
    try (MosquittoProcess m = mosquitto(pki)) {
      Exec.Result r = MbedtlsDevice.connect(device, m.port(), "localhost");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.output()).contains("connack 20 02 00 00");
    }
  }

  @Test
  void headerOfAnotherCa_handshakeFailsNotTrusted() throws Exception {
    TestPki pki = TestPki.create(tmp.resolve("a"));
    TestPki other = TestPki.create(tmp.resolve("b"));
    Path device = MbedtlsDevice.build(tmp.resolve("c"), header(other, "mbed-3"));
    try (MosquittoProcess m = mosquitto(pki)) {
      Exec.Result r = MbedtlsDevice.connect(device, m.port(), "localhost");
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
      assertThat(r.output()).contains("handshake failed", "not correctly signed by the trusted CA");
    }
  }

  @Test
  void nameNotInCertificate_handshakeFailsCnMismatch() throws Exception {
    TestPki pki = TestPki.create(tmp);
    Path device = MbedtlsDevice.build(tmp.resolve("c"), header(pki, "mbed-4"));
    try (MosquittoProcess m = mosquitto(pki)) {
      // The seed's device connected by an address that the certificate did not name.
      Exec.Result r = MbedtlsDevice.connect(device, m.port(), "ErichStyger-PC");
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
      assertThat(r.output()).contains("Common Name (CN) does not match");
    }
  }
}
