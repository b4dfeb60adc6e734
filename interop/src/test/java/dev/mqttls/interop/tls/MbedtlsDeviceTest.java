package dev.mqttls.interop.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  private static final Path SOURCE = Path.of("src/test/c/mqtt_device.c");
  private static final Pattern MAX_RECORD =
      Pattern.compile("max record from broker: handshake=(\\d+) application=(\\d+)");

  @TempDir static Path dir;
  static TestPki pki;
  static Path device;

  record Run(int exit, String output) {}

  @BeforeAll
  static void build() throws Exception {
    assumeTrue(
        Files.exists(Path.of("/usr/include/mbedtls/ssl.h")), "libmbedtls-dev missing: ./test.sh");
    pki = TestPki.create(dir);
    pki.device("sensor-1");
    // The CA as firmware embeds it: a C string whose length counts the terminating NUL.
    String pem = Files.readString(pki.caFile(), StandardCharsets.US_ASCII);
    StringBuilder h = new StringBuilder("static const char mqttls_ca_pem[] =\n");
    for (String line : pem.split("\n")) {
      h.append("  \"").append(line).append("\\n\"\n");
    }
    h.append(";\nstatic const size_t mqttls_ca_pem_len = sizeof(mqttls_ca_pem);\n");
    Files.writeString(dir.resolve("ca_cert.h"), h.toString());
    device = dir.resolve("mqtt_device");
    Run cc =
        exec(
            List.of(
                "cc",
                "-O1",
                "-Wall",
                "-I",
                dir.toString(),
                "-o",
                device.toString(),
                SOURCE.toAbsolutePath().toString(),
                "-lmbedtls",
                "-lmbedx509",
                "-lmbedcrypto"),
            60);
    assertThat(cc.exit()).as(cc.output()).isZero();
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

  private static Run device(int port, String clientId, int mfl, int payload) throws Exception {
    TestPki.Device d = pki.device("sensor-1");
    return exec(
        List.of(
            device.toString(),
            String.valueOf(port),
            "localhost",
            d.cert().toString(),
            d.key().toString(),
            clientId,
            String.valueOf(mfl),
            String.valueOf(payload)),
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
      Run r = device(b.port(), "sensor-1", 0, 3000);
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
      Run r = device(b.port(), "sensor-1", 1024, 3000);
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
      Run r = device(b.port(), "sensor-1", 0, 3000);
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(maxAppPlaintext(r.output())).as(r.output()).isLessThanOrEqualTo(1024);
    }
  }

  @Test
  void clientIdOtherThanCertificate_refused() throws Exception {
    try (EmbeddedBroker b = broker()) {
      Run r = device(b.port(), "sensor-2", 0, 10);
      // MQTT 3.1.1 CONNACK return code 2: identifier rejected
      assertThat(r.exit()).as(r.output()).isEqualTo(5);
      assertThat(r.output()).contains("connack rc=2");
    }
  }

  private static Run exec(List<String> cmd, int seconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError(cmd.get(0) + " did not finish within " + seconds + " s");
      }
      return new Run(
          p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
