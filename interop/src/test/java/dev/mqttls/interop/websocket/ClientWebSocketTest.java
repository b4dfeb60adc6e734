package dev.mqttls.interop.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.codec.Qos;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our client library's ws:// and wss:// transport ({@code Builder#webSocket}) to our broker. */
class ClientWebSocketTest {
  @TempDir static Path dir;
  static TestPki pki;
  static EmbeddedBroker broker;

  @BeforeAll
  static void start() {
    pki = TestPki.create(dir);
    broker = WebSocketListeners.start(pki, null);
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void ws() {
    roundTrip(
        MqttClientConfig.builder("127.0.0.1")
            .port(WebSocketListeners.port(broker, WebSocketListeners.WS))
            .webSocket("/mqtt"),
        "ours-ws");
  }

  @Test
  void wssMutualTls() {
    TestPki.Device d = pki.device("ours-device");
    MqttClientConfig.Builder b =
        MqttClientConfig.builder("localhost")
            .port(WebSocketListeners.port(broker, WebSocketListeners.WSS_MUTUAL))
            .tls(
                TlsConfig.builder()
                    .caFile(pki.caFile())
                    .certFile(d.cert())
                    .keyFile(d.key())
                    .build())
            .webSocket("/mqtt");
    assertThat(b.build().brokerUrl()).startsWith("wss://localhost:").endsWith("/mqtt");
    long mark = broker.log().mark();
    roundTrip(b, "ours-wss");
    broker.log().assertLogged(mark, Duration.ofSeconds(5), "as ours-wss", "u'ours-device'");
  }

  private static void roundTrip(MqttClientConfig.Builder b, String id) {
    try (MqttClient c = MqttClient.create(b.clientId(id).build())) {
      c.blocking().connect();
      c.blocking().subscribe(Subscription.of("ours/" + id, Qos.AT_LEAST_ONCE));
      c.blocking()
          .publish(Message.builder("ours/" + id).payload("hi").qos(Qos.AT_LEAST_ONCE).build());
      Optional<Message> m = c.blocking().receive(Duration.ofSeconds(10));
      assertThat(m).isPresent();
      assertThat(m.get().topic()).isEqualTo("ours/" + id);
    }
  }
}
