package dev.mqttls.interop.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.DeviceCredentials;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.Provisioning;
import dev.mqttls.client.ProvisioningRequest;
import dev.mqttls.pki.IssuedCertificate;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet provisions in one run: each device connects with the claim certificate over mutual TLS,
 * sends its CSR, and gets its own certificate, 8 at a time. The suite runs 100 devices; the figure
 * in docs/provisioning.md is from 1,000 ({@code -Dmqttls.provision.devices=1000}). The rate goes to
 * the log and to {@code target/provisioning-throughput.txt}.
 */
class ProvisioningThroughputTest {
  private static final Logger LOG = LoggerFactory.getLogger(ProvisioningThroughputTest.class);

  @TempDir Path dir;

  @Test
  void aFleet_provisionsInOneRun_eachDeviceWithItsOwnCertificate() throws Exception {
    int devices = Integer.getInteger("mqttls.provision.devices", 100);
    try (ProvisioningFleet fleet = new ProvisioningFleet(dir)) {
      MqttClientConfig claim = fleet.claim();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<DeviceCredentials>> results = new ArrayList<>(devices);
      long start = System.nanoTime();
      try {
        for (int i = 1; i <= devices; i++) {
          String id = "fleet-" + i;
          results.add(pool.submit(() -> Provisioning.provision(claim, ProvisioningRequest.of(id))));
        }
        Set<BigInteger> serials = new HashSet<>();
        for (int i = 0; i < devices; i++) {
          DeviceCredentials c = results.get(i).get(120, TimeUnit.SECONDS);
          assertThat(c.deviceId()).isEqualTo("fleet-" + (i + 1));
          assertThat(c.certificate().getSubjectX500Principal().getName())
              .isEqualTo("CN=fleet-" + (i + 1));
          serials.add(c.certificate().getSerialNumber());
        }
        assertThat(serials).hasSize(devices);
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<IssuedCertificate> issued =
          fleet.pki.ca().list().stream().filter(e -> e.id().startsWith("fleet-")).toList();
      assertThat(issued).hasSize(devices);
      String figure =
          String.format(
              Locale.ROOT,
              "%d devices provisioned over mutual TLS in %.1f s: %.0f devices/s (8 at a time, %d"
                  + " cores)",
              devices,
              seconds,
              devices / seconds,
              Runtime.getRuntime().availableProcessors());
      LOG.info(figure);
      Files.writeString(
          Path.of("target", "provisioning-throughput.txt"), figure + "\n", StandardCharsets.UTF_8);
    }
  }
}
