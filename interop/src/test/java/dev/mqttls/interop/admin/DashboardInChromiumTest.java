package dev.mqttls.interop.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.admin.AdminConfig;
import dev.mqttls.admin.AdminServer;
import dev.mqttls.testing.Chromium;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.pki.TestPki;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (Debian's Chromium), against our broker with mutual TLS and real
 * peers we did not write: a device connected with {@code mosquitto_sub} shows in the clients table
 * with its certificate's CN and TLS version; a handshake refused to {@code openssl s_client} (a
 * certificate from a CA the broker does not trust) shows in the failures feed with its named cause
 * and the doctor's remedy; the topic viewer, subscribed as the dashboard's basic-auth user, shows a
 * message {@code mosquitto_pub} publishes, and is refused a topic that user's ACL does not grant.
 *
 * <p>It takes a screenshot of each page into {@code target/screenshots/dashboard}, or into the
 * folder the system property {@code mqttls.dashboard.screenshots} names (docs/dashboard.md is
 * illustrated with {@code -Dmqttls.dashboard.screenshots=../docs/dashboard}).
 */
class DashboardInChromiumTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path tmp;

  private static Path screenshots() {
    return Path.of(
        System.getProperty("mqttls.dashboard.screenshots", "target/screenshots/dashboard"));
  }

  @Test
  void devicesFailuresCertificatesAndLiveMessagesShowInTheBrowser() throws Exception {
    assumeTrue(MosquittoClients.isInstalled(), "mosquitto-clients missing: run ./test.sh");
    assumeTrue(Chromium.isInstalled(), "chromium and chromium-driver missing: run ./test.sh");
    TestPki pki = TestPki.create(tmp.resolve("fleet"));
    TestPki.Device device = pki.device("sensor-17");
    TestPki stranger = TestPki.create(tmp.resolve("stranger"));
    TestPki.Device intruder = stranger.device("intruder");

    Path acl =
        Files.writeString(
            tmp.resolve("acl"), "user ops\ntopic read fleet/#\n\npattern readwrite fleet/%u/#\n");
    Path passwd = tmp.resolve("http-passwd");
    MosquittoClients.Result made =
        MosquittoClients.run(T, "mosquitto_passwd", "-c", "-b", passwd, "ops", "s3cret-ops");
    assertThat(made.exitCode()).as(made.toString()).isZero();

    try (EmbeddedBroker broker =
            EmbeddedBroker.start(
                "acl_file " + acl,
                "listener 0 127.0.0.1",
                "cafile " + pki.caFile(),
                "certfile " + pki.serverCert(),
                "keyfile " + pki.serverKey(),
                "require_certificate true",
                "use_identity_as_username true");
        AdminServer admin =
            AdminServer.start(
                new AdminConfig(
                    0,
                    Optional.of("127.0.0.1"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(passwd)),
                broker.broker());
        MosquittoClients.Running sub =
            MosquittoClients.start(
                "mosquitto_sub",
                asDevice(
                    broker.port(),
                    pki,
                    device,
                    "sensor-17",
                    "-t",
                    "fleet/sensor-17/cmd",
                    "-q",
                    "1"));
        Chromium browser = Chromium.start(1400, 900)) {
      URI dashboard = URI.create(admin.url() + "/dashboard/");
      browser.basicAuth("ops", "s3cret-ops");

      // 1. The device, connected over mutual TLS, in the clients table.
      browser.open(dashboard.resolve("#/clients"));
      String row = awaitText(browser, "#clients-table tbody tr", "sensor-17");
      assertThat(row).contains("TLSv1.").contains("MQTT 5");
      // The identity column is the certificate's CN (the client id is the same string here, so
      // look at the cell, not the row).
      assertThat(browser.texts("#clients-table tbody tr td:nth-child(3)")).contains("sensor-17");
      browser.screenshot(screenshots().resolve("clients.png"));

      // 2. Its page: the subscription mosquitto_sub made.
      browser.click("#clients-table tbody tr a");
      awaitText(browser, "#client-subscriptions tbody", "fleet/sensor-17/cmd");
      assertThat(browser.texts("#client-facts").get(0)).contains("sensor-17").contains("TLSv1.");
      browser.screenshot(screenshots().resolve("client.png"));

      // 3. A refused handshake: a certificate from a CA the broker does not trust.
      MosquittoClients.Result refused =
          MosquittoClients.run(
              T,
              "openssl",
              "s_client",
              "-connect",
              "127.0.0.1:" + broker.port(),
              "-servername",
              TestPki.SERVER,
              "-CAfile",
              pki.caFile(),
              "-cert",
              intruder.cert(),
              "-key",
              intruder.key(),
              "-brief");
      assertThat(refused.timedOut()).as(refused.toString()).isFalse();
      browser.open(dashboard.resolve("#/failures"));
      String failure =
          awaitText(browser, "#failures-table tbody tr", "client_cert_untrusted_issuer");
      assertThat(failure)
          .contains("Issue the client certificate from a CA in the broker's cafile")
          .contains("127.0.0.1");
      browser.screenshot(screenshots().resolve("failures.png"));

      // 4. The topic viewer sees what the ACL lets "ops" read ...
      browser.open(dashboard.resolve("#/topics"));
      browser.type("#topic-filter", "fleet/#");
      browser.click("#topic-subscribe");
      awaitText(browser, "#topic-status", "Subscribed to fleet/# as user ops");
      MosquittoClients.Result pub =
          MosquittoClients.run(
              T,
              "mosquitto_pub",
              asDevice(
                  broker.port(),
                  pki,
                  device,
                  "sensor-17-pub",
                  "-t",
                  "fleet/sensor-17/telemetry",
                  "-D",
                  "publish",
                  "content-type",
                  "application/json",
                  "-m",
                  "{\"temperature\":21.5,\"battery\":87}"));
      assertThat(pub.exitCode()).as(pub.toString()).isZero();
      String shown = awaitText(browser, "#topic-messages .message", "fleet/sensor-17/telemetry");
      assertThat(shown).contains("\"temperature\":21.5").contains("contentType: application/json");
      browser.script(
          "const s = document.getElementById('topic-format'); s.value = 'json';"
              + " s.dispatchEvent(new Event('change'));");
      awaitText(browser, "#topic-messages .payload", "\"battery\": 87");
      browser.screenshot(screenshots().resolve("topics.png"));
      // ... and not what it does not: the broker refuses the subscription for that user.
      browser.type("#topic-filter", "secret/#");
      browser.click("#topic-subscribe");
      awaitText(browser, "#topic-status", "not authorized");

      // A device publishing outside its own topics is refused; its page lists the refusal.
      MosquittoClients.run(
          T,
          "mosquitto_pub",
          asDevice(
              broker.port(),
              pki,
              device,
              "sensor-17-stray",
              "-t",
              "fleet/sensor-99/telemetry",
              "-q",
              "1",
              "-m",
              "{}"));
      browser.open(dashboard.resolve("#/client/sensor-17-stray"));
      String refusal = awaitText(browser, "#client-refusals tbody", "PUBLISH to fleet/sensor-99");
      assertThat(refusal).contains("not authorized").contains("no write access");

      // 5. Certificates: the listener's server certificate and CA, and the device's.
      browser.open(dashboard.resolve("#/certificates"));
      awaitText(browser, "#certs-table tbody", "server");
      awaitText(browser, "#devices-table tbody", "sensor-17");
      browser.screenshot(screenshots().resolve("certificates.png"));

      // 6. The overview last, so that its charts have a few seconds of history.
      browser.open(dashboard.resolve("#/overview"));
      awaitText(browser, "#live", "live");
      awaitText(browser, "#tile-connections", "1");
      assertThat(browser.texts("#causes-table tbody")).anyMatch(t -> t.contains("untrusted"));
      browser.screenshot(screenshots().resolve("overview.png"));

      sub.close();
    }
  }

  /** mosquitto_pub/sub arguments for {@code device} over mutual TLS, MQTT 5, then {@code more}. */
  private static Object[] asDevice(
      int port, TestPki pki, TestPki.Device device, String clientId, Object... more) {
    List<Object> args =
        new ArrayList<>(
            List.of(
                "-h",
                TestPki.SERVER,
                "-p",
                port,
                "--cafile",
                pki.caFile(),
                "--cert",
                device.cert(),
                "--key",
                device.key(),
                "-i",
                clientId,
                "-V",
                "mqttv5"));
    args.addAll(List.of(more));
    return args.toArray();
  }

  private static String awaitText(Chromium browser, String selector, String wanted) {
    Optional<String> found = browser.awaitText(selector, wanted, T);
    if (found.isEmpty()) {
      throw new AssertionError(
          "the page never showed '"
              + wanted
              + "' in "
              + selector
              + "; it shows: "
              + browser.texts(selector)
              + "; console: "
              + browser.console());
    }
    return found.get();
  }
}
