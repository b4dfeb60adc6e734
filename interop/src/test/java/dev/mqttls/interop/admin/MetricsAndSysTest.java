package dev.mqttls.interop.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.admin.AdminConfig;
import dev.mqttls.admin.AdminServer;
import dev.mqttls.broker.Refusal;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.PrometheusText;
import dev.mqttls.testing.pki.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 against peers we did not write: Debian's mosquitto_sub reads our {@code $SYS} tree and
 * Debian's mosquitto's own in the same test (ours has every topic name of theirs); mosquitto_pub
 * over mutual TLS moves the counters that {@code /metrics} serves, read by Prometheus's own parser.
 */
class MetricsAndSysTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path dir;

  /** The topic names {@code mosquitto_sub -t '$SYS/#'} prints within 3 s (retained and live). */
  private static Set<String> sysTopics(int port) {
    MosquittoClients.Result r =
        MosquittoClients.run(
            T, "mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-t", "$SYS/#", "-v", "-W", "3");
    Set<String> topics = new TreeSet<>();
    for (String line : r.stdoutLines()) {
      // "TOPIC VALUE"; a topic may hold a space ("retained messages/count"), a value may too
      // ("mosquitto version 2.0.11", "12 seconds"): every topic starts with $SYS/broker/.
      int cut = line.indexOf(' ', line.startsWith("$SYS/broker/retained messages/") ? 31 : 0);
      topics.add(cut < 0 ? line : line.substring(0, cut));
    }
    return topics;
  }

  @Test
  void sysTree_isASupersetOfDebianMosquittos() {
    assumeTrue(
        MosquittoProcess.isInstalled() && MosquittoClients.isInstalled(), "mosquitto missing");
    try (MosquittoProcess mosquitto = MosquittoProcess.start("sys_interval 1");
        EmbeddedBroker ours = EmbeddedBroker.start("listener 0 127.0.0.1", "sys_interval 1")) {
      Set<String> theirs = sysTopics(mosquitto.port());
      Set<String> mine = sysTopics(ours.port());
      assertThat(theirs).contains("$SYS/broker/version", "$SYS/broker/load/bytes/sent/15min");
      assertThat(mine).containsAll(theirs);
      assertThat(mine).anyMatch(t -> t.startsWith("$SYS/broker/tls/"));
    }
  }

  @Test
  void mosquittoPubOverMutualTls_movesTheCountersMetricsServes() throws Exception {
    assumeTrue(MosquittoClients.isInstalled(), "mosquitto clients missing");
    assumeTrue(PrometheusText.isInstalled(), "python3-prometheus-client missing: run ./test.sh");
    TestPki pki = TestPki.create(dir);
    TestPki.Device dev = pki.device("sensor-1");
    try (EmbeddedBroker broker =
            EmbeddedBroker.start(
                "sys_interval 0",
                "listener 0 127.0.0.1",
                "cafile " + pki.caFile(),
                "certfile " + pki.serverCert(),
                "keyfile " + pki.serverKey(),
                "require_certificate true",
                "use_identity_as_username true");
        AdminServer admin = AdminServer.start(AdminConfig.loopback(0), broker.broker())) {
      List<PrometheusText.Sample> before = scrape(admin);
      for (int i = 0; i < 3; i++) {
        MosquittoClients.Result r =
            MosquittoClients.publishLocal(
                T,
                broker.port(),
                "--cafile",
                pki.caFile(),
                "--cert",
                dev.cert(),
                "--key",
                dev.key(),
                "-i",
                "sensor-1",
                "-q",
                "1",
                "-t",
                "sensors/1",
                "-m",
                "21.5");
        assertThat(r.exitCode()).as(r.toString()).isZero();
      }
      // No client certificate: the handshake is refused, and counted by its cause.
      MosquittoClients.Result refused =
          MosquittoClients.publishLocal(
              T, broker.port(), "--cafile", pki.caFile(), "-t", "x", "-m", "x");
      assertThat(refused.exitCode()).isNotZero();
      assertThat(broker.broker().telemetry().recentRefusals())
          .first()
          .satisfies(
              f -> {
                assertThat(f.kind()).isEqualTo(Refusal.Kind.TLS_HANDSHAKE);
                assertThat(f.cause()).isEqualTo("no_client_certificate");
                assertThat(f.detail()).isNotBlank();
              });
      List<PrometheusText.Sample> after = scrape(admin);

      assertThat(delta(before, after, "mqttls_publish_received_total", "qos", "1")).isEqualTo(3);
      assertThat(delta(before, after, "mqttls_publish_payload_received_bytes_total", "qos", "1"))
          .isEqualTo(12);
      assertThat(delta(before, after, "mqttls_connects_total", "reason", "success")).isEqualTo(3);
      assertThat(delta(before, after, "mqttls_tls_handshakes_total", "tls_version", "TLSv1.3"))
          .isEqualTo(3);
      assertThat(
              delta(
                  before,
                  after,
                  "mqttls_tls_handshake_failures_total",
                  "cause",
                  "no_client_certificate"))
          .isEqualTo(1);
      assertThat(delta(before, after, "mqttls_tls_handshake_seconds_count", "resumed", "false"))
          .isEqualTo(3);
      assertThat(delta(before, after, "mqttls_network_received_bytes_total")).isPositive();
      assertThat(PrometheusText.value(after, "mqttls_client_certificate_expiry_days_count"))
          .contains(3.0);
    }
  }

  private static List<PrometheusText.Sample> scrape(AdminServer admin) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(admin.url() + "/metrics")).timeout(T).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return PrometheusText.parse(body);
  }

  private static double delta(
      List<PrometheusText.Sample> before,
      List<PrometheusText.Sample> after,
      String name,
      String... labels) {
    double a =
        PrometheusText.value(after, name, labels)
            .orElseThrow(() -> new AssertionError(name + " not served"));
    return a - PrometheusText.value(before, name, labels).orElse(0.0);
  }
}
