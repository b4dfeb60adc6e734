package dev.mqttls.interop.psk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.interop.tls.MqttDeviceProgram;
import dev.mqttls.interop.tls.MqttDeviceProgram.Run;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C device client (src/test/c/mqtt_device.c) built here against Debian's mbedTLS 2.28 (TLS 1.2
 * only): configured with {@code mbedtls_ssl_conf_psk} it publishes and subscribes over the PSK
 * suites (CCM-8 included) on a PSK-only listener and on one that also has a certificate; a wrong
 * key is refused with a named cause; and the device offering only
 * TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 with max_fragment_length 1024 and its certificate completes
 * mutual TLS on the bctls engine, with no broker record above 1024 bytes of plaintext.
 */
class MbedtlsPskDeviceTest {
  private static final Pattern MAX_RECORD =
      Pattern.compile("max record from broker: handshake=(\\d+) application=(\\d+)");
  private static final String KEY = "8f3a6c0e2b4d19577e01a2b3c4d5e6f7";

  @TempDir static Path dir;
  static TestPki pki;
  static TestPki rogue;
  static Path device;
  static EmbeddedBroker pskOnly;
  static EmbeddedBroker both;
  static EmbeddedBroker mutual;

  @BeforeAll
  static void build() throws Exception {
    assumeTrue(MqttDeviceProgram.buildable(), "libmbedtls-dev missing: ./test.sh");
    pki = TestPki.create(dir.resolve("ours"));
    rogue = TestPki.create(dir.resolve("rogue"));
    pki.device("sensor-1");
    rogue.device("sensor-1");
    device = MqttDeviceProgram.build(dir, pki.caFile());
    Path psk = dir.resolve("psk");
    Files.writeString(psk, "sensor-1:" + KEY + "\n");
    pskOnly =
        EmbeddedBroker.start(
            "psk_file " + psk,
            "listener 0 127.0.0.1",
            "psk_hint hint",
            "use_identity_as_username true");
    both =
        EmbeddedBroker.start(
            "psk_file " + psk,
            "listener 0 127.0.0.1",
            "psk_hint hint",
            "certfile " + pki.serverCert(),
            "keyfile " + pki.serverKey());
    mutual =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1",
            "cafile " + pki.caFile(),
            "certfile " + pki.serverCert(),
            "keyfile " + pki.serverKey(),
            "require_certificate true",
            "tls_version tlsv1.2",
            "use_identity_as_clientid true");
  }

  @AfterAll
  static void stop() {
    for (EmbeddedBroker b : new EmbeddedBroker[] {pskOnly, both, mutual}) {
      if (b != null) {
        b.close();
      }
    }
  }

  private static Run pskDevice(int port, String suite, String key) throws Exception {
    return MqttDeviceProgram.exec(
        List.of(
            device.toString(), String.valueOf(port), "localhost", "-", "-", "sensor-1", "0", "500"),
        Map.of(
            "MQTT_DEVICE_PSK", key,
            "MQTT_DEVICE_PSK_IDENTITY", "sensor-1",
            "MQTT_DEVICE_CIPHERS", suite),
        30);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "TLS-PSK-WITH-AES-128-CCM-8",
        "TLS-PSK-WITH-AES-128-GCM-SHA256",
        "TLS-PSK-WITH-AES-128-CBC-SHA256",
        "TLS-ECDHE-PSK-WITH-AES-128-CBC-SHA256"
      })
  void pskSuite_publishAndSubscribe_identityIsTheUser(String suite) throws Exception {
    long mark = pskOnly.log().mark();
    Run r = pskDevice(pskOnly.port(), suite, KEY);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("handshake ok TLSv1.2 " + suite)
        .contains("connack rc=0")
        .contains("echo ok 500 bytes");
    pskOnly.log().assertLogged(mark, Duration.ofSeconds(10), "as sensor-1", "u'sensor-1'");
  }

  @Test
  void pskOnListenerWithCertificateToo_works() throws Exception {
    Run r = pskDevice(both.port(), "TLS-PSK-WITH-AES-128-CCM-8", KEY);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("echo ok 500 bytes");
  }

  @Test
  void wrongKey_refusedWithNamedCause() throws Exception {
    long mark = pskOnly.log().mark();
    Run r = pskDevice(pskOnly.port(), "TLS-PSK-WITH-AES-128-CCM-8", "00" + KEY.substring(2));
    assertThat(r.exit()).as(r.output()).isEqualTo(3);
    String line =
        pskOnly
            .log()
            .assertLogged(
                mark, Duration.ofSeconds(10), "PSK identity 'sensor-1'", "(PSK_KEY_MISMATCH)");
    assertThat(line).doesNotContain(KEY.substring(2));
  }

  private static Run ccm8Device(TestPki issuer) throws Exception {
    TestPki.Device d = issuer.device("sensor-1");
    return MqttDeviceProgram.exec(
        List.of(
            device.toString(),
            String.valueOf(mutual.port()),
            "localhost",
            d.cert().toString(),
            d.key().toString(),
            "sensor-1",
            "1024",
            "3000"),
        Map.of("MQTT_DEVICE_CIPHERS", "TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8"),
        30);
  }

  @Test
  void ccm8OnlyDevice_mutualTls_maxFragmentLength1024_publishAndSubscribe() throws Exception {
    Run r = ccm8Device(pki);
    System.out.println("mbedTLS device, CCM-8 only, max_fragment_length 1024:\n" + r.output());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("handshake ok TLSv1.2 TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8")
        .contains("echo ok 3000 bytes");
    Matcher m = MAX_RECORD.matcher(r.output());
    assertThat(m.find()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as("handshake records").isLessThanOrEqualTo(1024);
    // CCM-8 in TLS 1.2: 8-byte explicit nonce and 8-byte tag
    assertThat(Integer.parseInt(m.group(2)) - 16)
        .as("application plaintext")
        .isLessThanOrEqualTo(1024);
  }

  @Test
  void ccm8OnlyDevice_certificateFromOtherCa_refusedWithTheSameCauseAsOtherEngines()
      throws Exception {
    long mark = mutual.log().mark();
    Run r = ccm8Device(rogue);
    assertThat(r.exit()).as(r.output()).isEqualTo(3);
    mutual
        .log()
        .assertLogged(
            mark,
            Duration.ofSeconds(10),
            "handshake failed: client certificate CN=sensor-1 not signed by a CA in cafile",
            "(CLIENT_CERT_UNTRUSTED_ISSUER)",
            "engine bctls");
  }
}
