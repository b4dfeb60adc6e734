package dev.mqttls.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.CertificateExpiry;
import dev.mqttls.broker.ConnectedClient;
import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.ServerOptions;
import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cert_expiry_warning_days: a broker whose server certificate ends in 10 days warns at start-up and
 * its gauge says so; a device connected with a certificate ending in 5 days is counted and listed.
 */
class CertificateExpiryTest {
  @TempDir Path dir;

  @Test
  void serverCertificateTenDaysFromExpiry_warnsAndGauges_andExpiringDeviceIsListed()
      throws Exception {
    assumeTrue(MosquittoClients.isInstalled(), "mosquitto clients not installed");
    CertificateAuthority ca = CertificateAuthority.init(dir.resolve("pki"), CaOptions.defaults());
    IssuedCertificate server =
        ca.issueServer(
            "localhost",
            ServerOptions.defaults()
                .withDays(10)
                .withDnsNames(List.of("localhost"))
                .withIpAddresses(List.of("127.0.0.1")));
    IssuedCertificate device = ca.issueDevice("dev-soon", DeviceOptions.defaults().withDays(5));
    Path conf = dir.resolve("mqttls.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "sys_interval 0",
            "cert_expiry_warning_days 30",
            "listener 0 127.0.0.1",
            "certfile " + server.certificateFile(),
            "keyfile " + server.keyFile().orElseThrow(),
            "cafile " + ca.certificateFile(),
            "require_certificate true",
            "use_identity_as_username true",
            ""));
    try (LogCapture log = LogCapture.start("dev.mqttls.broker");
        Broker broker = Broker.start(BrokerConfig.parse(conf));
        AdminServer admin = AdminServer.start(AdminConfig.loopback(0), broker)) {
      // The listener's name is its configured port (0 here: an ephemeral one).
      assertThat(log.lines())
          .anySatisfy(
              l ->
                  assertThat(l)
                      .contains("listener 0: ")
                      .contains("server certificate CN=localhost ends")
                      .contains("in 9 day(s): renew it (cert_expiry_warning_days 30)"));
      assertThat(broker.telemetry().certificates())
          .filteredOn(c -> c.kind() == CertificateExpiry.Kind.SERVER)
          .singleElement()
          .satisfies(
              c ->
                  assertThat(Duration.between(Instant.now(), c.notAfter()).toHours())
                      .isBetween(9 * 24L, 10 * 24L));

      try (MosquittoClients.Running sub =
          MosquittoClients.start(
              "mosquitto_sub",
              "-h",
              "127.0.0.1",
              "-p",
              broker.address(0).getPort(),
              "--cafile",
              ca.certificateFile(),
              "--cert",
              device.certificateFile(),
              "--key",
              device.keyFile().orElseThrow(),
              "-i",
              "dev-soon",
              "-t",
              "t",
              "-d")) {
        sub.awaitOutput("SUBACK", Duration.ofSeconds(10));
        assertThat(broker.telemetry().clientsWithCertificateExpiringSoon())
            .singleElement()
            .satisfies(
                (ConnectedClient c) -> {
                  assertThat(c.clientId()).isEqualTo("dev-soon");
                  assertThat(c.identity()).contains("dev-soon");
                  assertThat(c.tlsVersion())
                      .hasValueSatisfying(v -> assertThat(v).startsWith("TLSv1."));
                });
        String body =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(admin.url() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(body).contains("mqttls_client_certificates_expiring 1.0");
        if (PrometheusText.isInstalled()) {
          List<PrometheusText.Sample> s = PrometheusText.parse(body);
          assertThat(PrometheusText.value(s, "mqttls_certificate_expiry_seconds", "kind", "server"))
              .hasValueSatisfying(v -> assertThat(v).isBetween(9 * 86400.0, 10 * 86400.0));
          assertThat(
                  PrometheusText.value(
                      s, "mqttls_client_certificate_expiry_days_bucket", "le", "7.0"))
              .contains(1.0);
          assertThat(PrometheusText.value(s, "mqttls_certificate_expiry_seconds", "kind", "ca"))
              .hasValueSatisfying(v -> assertThat(v).isGreaterThan(365 * 86400.0));
        }
      }
    }
  }
}
