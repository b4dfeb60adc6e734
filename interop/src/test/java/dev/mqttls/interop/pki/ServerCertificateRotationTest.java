package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.Qos;
import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.RenewOptions;
import dev.mqttls.pki.Renewal;
import dev.mqttls.pki.ServerOptions;
import dev.mqttls.testing.EmbeddedBroker;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server certificate rotation without a dropped connection: our broker under mutual-TLS load (a
 * loop of fresh client connections, and long-lived clients publishing QoS 1) has its certificate
 * renewed with a new key by the pki on disk ({@code mqttls pki renew --rekey}'s code path); the
 * broker's file watcher reloads it. No established connection drops, no message is lost, no new
 * handshake fails, and {@code openssl s_client -showcerts} then shows the new serial.
 */
class ServerCertificateRotationTest {
  private static final Duration T = Duration.ofSeconds(20);
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

  @TempDir Path tmp;

  private final List<MqttClient> clients = new ArrayList<>();

  private MqttClient client(int port, CertificateAuthority ca, IssuedCertificate d, String id) {
    MqttClient c =
        MqttClient.create(
            MqttClientConfig.builder("localhost")
                .port(port)
                .clientId(id)
                .reconnect(ReconnectPolicy.OFF)
                .tls(
                    TlsConfig.builder()
                        .caFile(ca.certificateFile())
                        .certFile(d.certificateFile())
                        .keyFile(d.keyFile().orElseThrow())
                        .build())
                .build());
    return c;
  }

  /** The serial of the first certificate {@code openssl s_client -showcerts} receives. */
  private BigInteger servedSerial(int port, CertificateAuthority ca, IssuedCertificate d)
      throws Exception {
    Exec.Result r =
        Exec.run(
            T,
            tmp,
            "/usr/bin/openssl",
            "s_client",
            "-connect",
            "127.0.0.1:" + port,
            "-servername",
            "localhost",
            "-verify_return_error",
            "-showcerts",
            "-CAfile",
            ca.certificateFile().toString(),
            "-cert",
            d.certificateFile().toString(),
            "-key",
            d.keyFile().orElseThrow().toString());
    assertThat(r.output()).as(r.toString()).contains("Verify return code: 0 (ok)");
    Matcher m = PEM.matcher(r.output());
    assertThat(m.find()).as(r.toString()).isTrue();
    X509Certificate c =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII)));
    return c.getSerialNumber();
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("timed out waiting for " + what).isBefore(end);
      Thread.sleep(50);
    }
  }

  @Test
  void renewedServerCertificate_reloadedUnderLoad_noConnectionDropped_newSerialServed()
      throws Exception {
    assumeTrue(Exec.installed("/usr/bin/openssl"), "openssl missing: run ./test.sh");
    CertificateAuthority ca = CertificateAuthority.init(tmp.resolve("pki"), CaOptions.defaults());
    IssuedCertificate server =
        ca.issueServer(
            "localhost",
            ServerOptions.defaults()
                .withDnsNames(List.of("localhost"))
                .withIpAddresses(List.of("127.0.0.1"))
                .withDays(30));
    List<IssuedCertificate> devices = ca.issueDevices("dev-", 6, DeviceOptions.defaults());
    ExecutorService pool = Executors.newFixedThreadPool(6);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger lost = new AtomicInteger();
    AtomicInteger published = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    AtomicInteger handshakes = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try (EmbeddedBroker broker =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1",
            "cafile " + ca.certificateFile(),
            "certfile " + server.certificateFile(),
            "keyfile " + server.keyFile().orElseThrow(),
            "require_certificate true",
            "use_identity_as_username true")) {
      int port = broker.port();
      assertThat(servedSerial(port, ca, devices.get(0))).isEqualTo(server.serial());

      MqttClient subscriber = client(port, ca, devices.get(0), "sub");
      clients.add(subscriber);
      subscriber.onConnectionLost(e -> lost.incrementAndGet());
      subscriber.blocking().connect();
      subscriber
          .blocking()
          .subscribe(Subscription.of("rot/#", Qos.AT_LEAST_ONCE), m -> received.incrementAndGet());
      for (int i = 1; i <= 4; i++) {
        MqttClient p = client(port, ca, devices.get(i), "pub-" + i);
        clients.add(p);
        p.onConnectionLost(e -> lost.incrementAndGet());
        p.blocking().connect();
        String topic = "rot/" + i;
        pool.submit(
            () -> {
              for (int n = 0; n < 100_000 && !stop.get(); n++) {
                try {
                  p.blocking()
                      .publish(
                          Message.builder(topic).payload("m" + n).qos(Qos.AT_LEAST_ONCE).build());
                  published.incrementAndGet();
                } catch (RuntimeException e) {
                  failures.add(topic + ": " + e.getMessage());
                  return;
                }
              }
            });
      }
      IssuedCertificate loadDevice = devices.get(5);
      pool.submit(
          () -> {
            for (int n = 0; n < 10_000 && !stop.get(); n++) {
              try (MqttClient c = client(port, ca, loadDevice, "load-" + n)) {
                c.blocking().connect();
                c.blocking().disconnect();
                handshakes.incrementAndGet();
              } catch (RuntimeException e) {
                failures.add("handshake " + n + ": " + e.getMessage());
              }
            }
          });
      await("load before the renewal", T, () -> published.get() > 20 && handshakes.get() > 2);

      Renewal renewal = ca.renew("localhost", RenewOptions.defaults().withRekey());
      assertThat(renewal.issued().serial()).isNotEqualTo(server.serial());
      Instant deadline = Instant.now().plus(T);
      BigInteger served = server.serial();
      while (!served.equals(renewal.issued().serial()) && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
        served = servedSerial(port, ca, devices.get(0));
      }
      assertThat(served).as("serial served after the renewal").isEqualTo(renewal.issued().serial());

      int publishedAtSwitch = published.get();
      int handshakesAtSwitch = handshakes.get();
      await(
          "load after the renewal",
          T,
          () ->
              published.get() > publishedAtSwitch + 50
                  && handshakes.get() > handshakesAtSwitch + 5);
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
      await("every published message delivered", T, () -> received.get() >= published.get());

      assertThat(failures).as("failed publishes or handshakes").isEmpty();
      assertThat(lost.get()).as("established connections dropped").isZero();
      for (MqttClient c : clients) {
        assertThat(c.state()).isEqualTo(ConnectionState.CONNECTED);
      }
      assertThat(received.get()).isEqualTo(published.get());
    } finally {
      stop.set(true);
      pool.shutdownNow();
      clients.forEach(MqttClient::close);
    }
  }
}
