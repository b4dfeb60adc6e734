package dev.mqttls.interop.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.Subscription;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.pki.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firmware side of provisioning (src/test/c/provision_device.c, built here against Debian's
 * mbedTLS 2.28): holding only the CA and the shared claim certificate, the device makes its key and
 * CSR ({@code mbedtls_x509write_csr}), gets its certificate over MQTT, stores both, reconnects as
 * itself and publishes; openssl verifies what it stored. An id outside the policy comes back with
 * the refusal code.
 */
class MbedtlsProvisioningTest {
  private static final Path SOURCE = Path.of("src/test/c/provision_device.c");

  @TempDir static Path dir;
  static ProvisioningFleet fleet;
  static Path device;

  record Run(int exit, String output) {}

  @BeforeAll
  static void build() throws Exception {
    assumeTrue(
        Files.exists(Path.of("/usr/include/mbedtls/ssl.h")), "libmbedtls-dev missing: ./test.sh");
    device = dir.resolve("provision_device");
    Run cc =
        exec(
            List.of(
                "cc",
                "-O1",
                "-Wall",
                "-Werror",
                "-o",
                device.toString(),
                SOURCE.toAbsolutePath().toString(),
                "-lmbedtls",
                "-lmbedx509",
                "-lmbedcrypto"),
            60);
    assertThat(cc.exit()).as(cc.output()).isZero();
    fleet =
        new ProvisioningFleet(dir.resolve("fleet"), "provision_id_pattern (dev|sensor)-c[0-9]+");
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static Run runDevice(String id, Path out) throws Exception {
    Files.createDirectories(out);
    TestPki.Device claim = fleet.pki.device(ProvisioningFleet.CLAIM);
    return exec(
        List.of(
            device.toString(),
            String.valueOf(fleet.port()),
            "localhost",
            fleet.pki.caFile().toString(),
            claim.cert().toString(),
            claim.key().toString(),
            id,
            out.toString()),
        60);
  }

  @Test
  void mbedtlsDevice_provisionsItselfFromTheClaimCertificate_thenPublishesAsItself()
      throws Exception {
    var watcher = fleet.pki.device("watcher");
    List<Message> got = new CopyOnWriteArrayList<>();
    try (MqttClient w = MqttClient.create(fleet.as(watcher.cert(), watcher.key()).build())) {
      w.blocking().connect();
      w.blocking().subscribe(Subscription.of("sensors/#", Qos.AT_LEAST_ONCE), got::add);
      long mark = fleet.broker.log().mark();
      Path out = dir.resolve("dev-c1");

      Run run = runDevice("dev-c1", out);

      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("provisioned:", "published as dev-c1");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (got.isEmpty() && System.nanoTime() < end) {
        Thread.sleep(20);
      }
      assertThat(got).extracting(Message::payloadAsString).containsExactly("hello from dev-c1");
      // First as the claim identity, then as itself: the certificate it got is its identity.
      fleet.broker.log().assertLogged(mark, Duration.ofSeconds(5), "as dev-c1", "u'factory-claim'");
      fleet
          .broker
          .log()
          .assertLogged(mark, Duration.ofSeconds(5), "as dev-c1", "u'dev-c1'", "cert 'cn=dev-c1'");
      assertThat(fleet.pki.ca().find("dev-c1")).isPresent();
      assertThat(fleet.pki.ca().find("dev-c1").get().keyFile()).isEmpty();
      Run verify =
          exec(
              List.of(
                  "openssl",
                  "verify",
                  "-CAfile",
                  fleet.pki.caFile().toString(),
                  out.resolve("device.crt").toString()),
              30);
      assertThat(verify.output()).contains("device.crt: OK");
      Run match =
          exec(
              List.of(
                  "openssl",
                  "x509",
                  "-noout",
                  "-subject",
                  "-in",
                  out.resolve("device.crt").toString()),
              30);
      assertThat(match.output()).contains("CN = dev-c1");
    }
  }

  @Test
  void mbedtlsDevice_withAnIdOutsideThePolicy_getsTheRefusalCode() throws Exception {
    Run run = runDevice("intruder-c2", dir.resolve("intruder-c2"));
    assertThat(run.exit()).as(run.output()).isEqualTo(7);
    assertThat(run.output()).contains("refused: id-pattern:");
    assertThat(dir.resolve("intruder-c2/device.crt")).doesNotExist();
    assertThat(fleet.pki.ca().find("intruder-c2")).isEmpty();
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
