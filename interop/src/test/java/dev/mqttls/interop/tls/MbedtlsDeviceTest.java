package dev.mqttls.interop.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' device path: a C client built here against Debian's mbedTLS 2.28 (src/test/c), with
 * the CA compiled in as a header, VERIFY_REQUIRED and the broker's DNS name, completes mutual TLS
 * 1.2 with our broker and publishes/subscribes; with max_fragment_length 1024 no record from the
 * broker carries more than 1024 bytes of plaintext.
 */
class MbedtlsDeviceTest {
  private static final Pattern MAX_RECORD =
      Pattern.compile("max record from broker: handshake=(\\d+) application=(\\d+)");

  @TempDir static Path dir;
  static TestPki pki;
  static Path device;

  @BeforeAll
  static void build() throws Exception {
    assumeTrue(MqttDeviceProgram.buildable(), "libmbedtls-dev missing: ./test.sh");
    pki = TestPki.create(dir);
    pki.device("sensor-1");
    device = MqttDeviceProgram.build(dir, pki.caFile());
  }

  private static EmbeddedBroker broker(String... extra) {
    List<String> conf =
        new java.util.ArrayList<>(
            List.of(
                "listener 0 127.0.0.1",
                "cafile " + pki.caFile(),
                "certfile " + pki.serverCert(),
                "keyfile " + pki.serverKey(),
                "require_certificate true",
                "tls_version tlsv1.2",
                "use_identity_as_clientid true"));
    conf.addAll(List.of(extra));
    return EmbeddedBroker.start(conf.toArray(new String[0]));
  }

  private static MqttDeviceProgram.Run device(int port, String clientId, int mfl, int payload)
      throws Exception {
    TestPki.Device d = pki.device("sensor-1");
    return MqttDeviceProgram.exec(
        List.of(
            device.toString(),
            String.valueOf(port),
            "localhost",
            d.cert().toString(),
            d.key().toString(),
            clientId,
            String.valueOf(mfl),
            String.valueOf(payload)),
        java.util.Map.of(),
        30);
  }

  /** Plaintext bytes in the largest application record, from its length and the suite. */
  private static int maxAppPlaintext(String out) {
    Matcher m = MAX_RECORD.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    int app = Integer.parseInt(m.group(2));
    // TLS 1.2 AEAD expansion: GCM and CCM 8-byte explicit nonce + 16-byte tag; CCM-8 8 + 8;
    // ChaCha20-Poly1305 a 16-byte tag only
    int overhead = out.contains("CCM-8") ? 16 : out.contains("CHACHA") ? 16 : 24;
    return app - overhead;
  }

  @Test
  void mutualTls12_publishAndSubscribe() throws Exception {
    try (EmbeddedBroker b = broker()) {
      MqttDeviceProgram.Run r = device(b.port(), "sensor-1", 0, 3000);
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output())
          .contains("handshake ok TLSv1.2")
          .contains("connack rc=0")
          .contains("echo ok 3000 bytes");
    }
  }

  @Test
  void maxFragmentLength1024_noBrokerRecordAbove1024Plaintext() throws Exception {
    try (EmbeddedBroker b = broker()) {
      long mark = b.log().mark();
      MqttDeviceProgram.Run r = device(b.port(), "sensor-1", 1024, 3000);
      System.out.println("mbedTLS device, max_fragment_length 1024:\n" + r.output());
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output()).contains("echo ok 3000 bytes");
      Matcher m = MAX_RECORD.matcher(r.output());
      assertThat(m.find()).isTrue();
      assertThat(Integer.parseInt(m.group(1))).as("handshake records").isLessThanOrEqualTo(1024);
      assertThat(maxAppPlaintext(r.output())).as(r.output()).isLessThanOrEqualTo(1024);
      b.log().assertLogged(mark, Duration.ofSeconds(10), "max_fragment_length 1024", "JDK engine");
    }
  }

  @Test
  void tlsMaxRecordSize_capsRecordsWithoutTheExtension() throws Exception {
    try (EmbeddedBroker b = broker("tls_max_record_size 1024")) {
      MqttDeviceProgram.Run r = device(b.port(), "sensor-1", 0, 3000);
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(maxAppPlaintext(r.output())).as(r.output()).isLessThanOrEqualTo(1024);
    }
  }

  @Test
  void clientIdOtherThanCertificate_refused() throws Exception {
    try (EmbeddedBroker b = broker()) {
      MqttDeviceProgram.Run r = device(b.port(), "sensor-2", 0, 10);
      // MQTT 3.1.1 CONNACK return code 2: identifier rejected
      assertThat(r.exit()).as(r.output()).isEqualTo(5);
      assertThat(r.output()).contains("connack rc=2");
    }
  }
}
