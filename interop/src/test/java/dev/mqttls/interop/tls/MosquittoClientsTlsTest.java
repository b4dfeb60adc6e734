package dev.mqttls.interop.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's mosquitto_pub and mosquitto_sub against our broker's TLS listeners, configured with the
 * seeds' lines: one-way and mutual TLS connect and carry messages; a device without a certificate,
 * with one from another CA, an expired or a revoked one is refused, and each named cause is
 * asserted from the broker's log.
 */
class MosquittoClientsTlsTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir static Path dir;
  static TestPki pki;
  static TestPki rogue;
  static Path[] expired;
  static EmbeddedBroker oneWay;
  static EmbeddedBroker mutual;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(MosquittoClients.isInstalled(), "mosquitto-clients missing: run ./test.sh");
    pki = TestPki.create(dir.resolve("ours"));
    rogue = TestPki.create(dir.resolve("rogue"));
    pki.device("good");
    pki.device("lost");
    pki.device("dev-a");
    pki.revoke("lost");
    expired =
        ExpiredDevice.issue(
            pki.caFile(),
            dir.resolve("ours/pki/ca.key"),
            dir,
            "old-device",
            Instant.parse("2025-10-01T00:00:00Z"));
    oneWay =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1", "certfile " + pki.serverCert(), "keyfile " + pki.serverKey());
    // the seeds' listener, plus the CRL
    mutual =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1",
            "cafile " + pki.caFile(),
            "certfile " + pki.serverCert(),
            "keyfile " + pki.serverKey(),
            "require_certificate true",
            "tls_version tlsv1.2",
            "crlfile " + pki.crlFile(),
            "use_identity_as_username true");
  }

  @AfterAll
  static void stop() {
    if (mutual != null) {
      mutual.close();
    }
    if (oneWay != null) {
      oneWay.close();
    }
  }

  private static List<Object> tls(int port, Path cert, Path key) {
    List<Object> args =
        new ArrayList<>(List.of("-h", "localhost", "-p", port, "--cafile", pki.caFile()));
    if (cert != null) {
      args.addAll(List.of("--cert", cert, "--key", key));
    }
    return args;
  }

  private static void pubSub(EmbeddedBroker broker, Path cert, Path key, String id) {
    List<Object> sub = tls(broker.port(), cert, key);
    sub.addAll(List.of("-t", "tls/" + id, "-C", "1", "-W", "15", "-i", id + "-sub", "-v"));
    try (MosquittoClients.Running s = MosquittoClients.start("mosquitto_sub", sub.toArray())) {
      broker.log().assertLogged(0, T, id + "-sub");
      List<Object> pub = tls(broker.port(), cert, key);
      pub.addAll(List.of("-t", "tls/" + id, "-m", "hello-" + id, "-q", "1", "-i", id + "-pub"));
      MosquittoClients.Result p = MosquittoClients.run(T, "mosquitto_pub", pub.toArray());
      assertThat(p.exitCode()).as(p.toString()).isZero();
      MosquittoClients.Result r = s.awaitExit(T);
      assertThat(r.stdout()).as(r.toString()).contains("tls/" + id + " hello-" + id);
    }
  }

  private static MosquittoClients.Result publish(int port, Path cert, Path key, String id) {
    List<Object> pub = tls(port, cert, key);
    pub.addAll(List.of("-t", "tls/x", "-m", "x", "-i", id));
    return MosquittoClients.run(T, "mosquitto_pub", pub.toArray());
  }

  @Test
  void oneWayTls_publishAndSubscribe() {
    pubSub(oneWay, null, null, "oneway");
  }

  @Test
  void mutualTls_publishAndSubscribe() {
    TestPki.Device d = pki.device("good");
    pubSub(mutual, d.cert(), d.key(), "good");
  }

  @Test
  void noClientCertificate_refusedWithNamedCause() {
    long mark = mutual.log().mark();
    MosquittoClients.Result r = publish(mutual.port(), null, null, "nocert");
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    mutual
        .log()
        .assertLogged(
            mark,
            T,
            "handshake failed: no client certificate, and this listener requires one"
                + " (require_certificate true)");
  }

  @Test
  void certificateFromOtherCa_refusedWithNamedCause() {
    TestPki.Device d = rogue.device("intruder");
    long mark = mutual.log().mark();
    MosquittoClients.Result r = publish(mutual.port(), d.cert(), d.key(), "intruder");
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    mutual
        .log()
        .assertLogged(
            mark,
            T,
            "handshake failed: client certificate CN=intruder not signed by a CA in cafile",
            "(issuer CN=mqttls test CA");
  }

  @Test
  void expiredCertificate_refusedWithNamedCause() {
    long mark = mutual.log().mark();
    MosquittoClients.Result r = publish(mutual.port(), expired[0], expired[1], "old");
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    mutual
        .log()
        .assertLogged(
            mark, T, "handshake failed: client certificate CN=old-device expired 2025-10-01");
  }

  @Test
  void revokedCertificate_refusedWithNamedCause() {
    TestPki.Device d = pki.device("lost");
    long mark = mutual.log().mark();
    MosquittoClients.Result r = publish(mutual.port(), d.cert(), d.key(), "lost");
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    mutual
        .log()
        .assertLogged(mark, T, "handshake failed: client certificate CN=lost revoked (serial");
  }

  @Test
  void deviceRevokedWhileRunning_crlReloaded_refused() {
    TestPki.Device d = pki.device("dev-a");
    MosquittoClients.Result ok = publish(mutual.port(), d.cert(), d.key(), "dev-a");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    long mark = mutual.log().mark();
    pki.revoke("dev-a"); // rewrites crl.pem; the broker watches crlfile
    mutual.log().assertLogged(mark, T, "TLS material reloaded");
    MosquittoClients.Result refused = publish(mutual.port(), d.cert(), d.key(), "dev-a");
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    mutual.log().assertLogged(mark, T, "client certificate CN=dev-a revoked (serial");
  }

  @Test
  void plainMqtt_onTlsListener_named() {
    long mark = mutual.log().mark();
    MosquittoClients.Result r =
        MosquittoClients.publishLocal(T, mutual.port(), "-t", "x", "-m", "x");
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    mutual.log().assertLogged(mark, T, "sent plain MQTT (CONNECT) to a TLS listener");
  }
}
