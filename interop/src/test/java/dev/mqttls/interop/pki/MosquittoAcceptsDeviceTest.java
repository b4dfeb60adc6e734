package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.pki.KeyType;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Debian's mosquitto, with our server certificate and {@code require_certificate true}, accepts a
 * device certificate from {@code pki device}, refuses one from another CA, and (with {@code
 * crlfile}) refuses a revoked one.
 */
class MosquittoAcceptsDeviceTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path tmp;

  @BeforeAll
  static void installed() {
    assumeTrue(
        MosquittoProcess.isInstalled() && MosquittoClients.isInstalled(),
        "mosquitto missing: run ./test.sh");
  }

  private static MosquittoProcess mosquitto(TestPki pki, boolean crl) {
    MosquittoProcess.Builder b =
        MosquittoProcess.builder()
            .listenerLine("cafile " + pki.caFile())
            .listenerLine("certfile " + pki.serverCert())
            .listenerLine("keyfile " + pki.serverKey())
            .listenerLine("require_certificate true")
            .listenerLine("use_identity_as_username true");
    if (crl) {
      b.listenerLine("crlfile " + pki.crlFile());
    }
    return b.start();
  }

  private static MosquittoClients.Result publish(MosquittoProcess m, Path ca, TestPki.Device d) {
    return MosquittoClients.run(
        T,
        "mosquitto_pub",
        "-h",
        "localhost",
        "-p",
        m.port(),
        "--cafile",
        ca,
        "--cert",
        d.cert(),
        "--key",
        d.key(),
        "-t",
        "pki/test",
        "-m",
        "hello",
        "-i",
        "pki-" + d.id());
  }

  @ParameterizedTest
  @EnumSource(
      value = KeyType.class,
      names = {"EC_P256", "RSA_2048"})
  void deviceCertificate_acceptedWithCnAsUsername(KeyType type) {
    TestPki pki = TestPki.create(tmp, type, false);
    TestPki.Device d = pki.device("sensor-7");
    try (MosquittoProcess m = mosquitto(pki, false)) {
      MosquittoClients.Result r = publish(m, pki.caFile(), d);
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(m.awaitLog("u'sensor-7'", T)).as(String.join("\n", m.log())).isPresent();
    }
  }

  @Test
  void deviceCertificateWithIntermediate_accepted() {
    TestPki pki = TestPki.create(tmp, KeyType.EC_P256, true);
    TestPki.Device d = pki.device("sensor-8");
    try (MosquittoProcess m = mosquitto(pki, false)) {
      MosquittoClients.Result r = publish(m, pki.caFile(), d);
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(m.awaitLog("u'sensor-8'", T)).isPresent();
    }
  }

  @Test
  void deviceFromAnotherCa_refused() {
    TestPki pki = TestPki.create(tmp.resolve("a"));
    TestPki stranger = TestPki.create(tmp.resolve("b"));
    try (MosquittoProcess m = mosquitto(pki, false)) {
      MosquittoClients.Result r = publish(m, pki.caFile(), stranger.device("intruder"));
      assertThat(r.exitCode()).as(r.toString()).isNotZero();
      assertThat(m.log()).noneMatch(l -> l.contains("u'intruder'"));
    }
  }

  @Test
  void revokedDevice_refusedViaCrlfile_othersStillAccepted() {
    TestPki pki = TestPki.create(tmp);
    TestPki.Device good = pki.device("good");
    TestPki.Device lost = pki.device("lost");
    pki.revoke("lost");
    try (MosquittoProcess m = mosquitto(pki, true)) {
      MosquittoClients.Result refused = publish(m, pki.caFile(), lost);
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
      MosquittoClients.Result ok = publish(m, pki.caFile(), good);
      assertThat(ok.exitCode()).as(ok.toString()).isZero();
      assertThat(m.log()).noneMatch(l -> l.contains("u'lost'"));
    }
  }
}
