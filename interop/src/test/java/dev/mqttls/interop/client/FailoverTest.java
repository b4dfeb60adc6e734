package dev.mqttls.interop.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.ReconnectPolicy;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import dev.mqttls.testing.certs.OpenSslPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover between two Debian Mosquitto processes over TLS: a client given {@code
 * mqtts://localhost:P1} and {@code mqtts://localhost:P2} publishes through the second broker while
 * the first is down, and moves back to the first on reconnect when only the first is up.
 */
class FailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(true, Duration.ofMillis(50), Duration.ofMillis(400), 2.0, 0.2);

  @TempDir static Path pkiDir;
  static OpenSslPki pki;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeAll
  static void makePki() {
    pki = new OpenSslPki(pkiDir);
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    toClose.add(c);
    return c;
  }

  private static TlsConfig tls() {
    return TlsConfig.builder().caFile(pki.caCert).build();
  }

  /** A TLS Mosquitto; with {@code extraPort}, it also listens there (TLS as well). */
  private MosquittoProcess mosquitto(int extraPort) {
    MosquittoProcess.Builder b = MosquittoProcess.builder();
    if (extraPort > 0) {
      b.line("listener " + extraPort + " 127.0.0.1")
          .line("certfile " + pki.serverCert)
          .line("keyfile " + pki.serverKey);
    }
    b.listenerLine("certfile " + pki.serverCert).listenerLine("keyfile " + pki.serverKey);
    return b.start();
  }

  /** A subscriber to {@code t/#} on the broker at {@code port}; returns what it receives. */
  private List<String> subscriber(int port) {
    MqttClient s =
        closing(
            MqttClient.create(MqttClientConfig.builder("localhost").port(port).tls(tls()).build()));
    s.blocking().connect();
    List<String> got = new CopyOnWriteArrayList<>();
    s.blocking()
        .subscribe(Subscription.of("t/#", Qos.AT_LEAST_ONCE), m -> got.add(m.payloadAsString()));
    return got;
  }

  private static Message msg(String text) {
    return Message.builder("t/x").payload(text).qos(Qos.AT_LEAST_ONCE).build();
  }

  @Test
  void publishesThroughTheSecond_whileTheFirstIsDown_andMovesBackOnReconnect() throws Exception {
    int first = Ports.freePort(); // nothing listens here yet
    MosquittoProcess second = closing(mosquitto(0));
    MqttClient client =
        closing(
            MqttClient.create(
                MqttClientConfig.builder("localhost")
                    .port(first)
                    .failoverServer("localhost", second.port())
                    .tls(tls())
                    .clientId("failover-1")
                    .reconnect(FAST)
                    .build()));
    assertThat(client.config().servers()).hasSize(2);

    List<String> atSecond = subscriber(second.port());
    client.blocking().connect();
    assertThat(client.status().brokerUrl()).isEqualTo("mqtts://localhost:" + second.port());
    client.blocking().publish(msg("via-second"));
    Await.until("the message at the second broker", WAIT, () -> atSecond.contains("via-second"));

    MosquittoProcess firstBroker = closing(mosquitto(first));
    second.close();
    Await.until(
        "the client back on the first broker",
        WAIT,
        () ->
            client.state() == ConnectionState.CONNECTED
                && client.status().brokerUrl().equals("mqtts://localhost:" + first));
    List<String> atFirst = subscriber(firstBroker.port());
    client.blocking().publish(msg("via-first"));
    Await.until("the message at the first broker", WAIT, () -> atFirst.contains("via-first"));
    assertThat(atFirst).containsExactly("via-first");
  }

  @Test
  void allDown_theFailureNamesEachBroker() {
    int a = Ports.freePort();
    int b = Ports.freePort();
    MqttClient client =
        closing(
            MqttClient.create(
                MqttClientConfig.builder("127.0.0.1")
                    .port(a)
                    .failoverServer("127.0.0.1", b)
                    .build()));
    MqttClientException e =
        Assertions.catchThrowableOfType(
            MqttClientException.class, () -> client.blocking().connect());
    assertThat(e.kind()).isEqualTo(FailureKind.UNREACHABLE);
    assertThat(e.getMessage())
        .contains(
            "mqtt://127.0.0.1:"
                + a
                + ": nothing accepts connections at mqtt://127.0.0.1:"
                + a
                + " (connection refused): is the broker running and listening there?")
        .contains("nothing accepts connections at mqtt://127.0.0.1:" + b + " (connection refused)")
        .doesNotContain("Exception");
  }
}
