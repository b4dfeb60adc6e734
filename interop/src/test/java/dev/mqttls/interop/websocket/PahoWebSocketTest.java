package dev.mqttls.interop.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.pki.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eclipse Paho's WebSocket transport ({@code ws://} and {@code wss://} URIs of the v3 client)
 * against our broker's {@code protocol websockets} listeners: plain, TLS, and mutual TLS with the
 * certificate identity as the user name.
 */
class PahoWebSocketTest {
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
  void ws_publishAndSubscribe() throws Exception {
    String uri =
        "ws://127.0.0.1:" + WebSocketListeners.port(broker, WebSocketListeners.WS) + "/mqtt";
    roundTrip(uri, new MqttConnectOptions(), "paho-ws");
    broker.log().assertLogged(0, Duration.ofSeconds(5), "as paho-ws-sub");
  }

  @Test
  void wss_publishAndSubscribe() throws Exception {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setSocketFactory(JdkTls.context(pki.caFile(), null, null).getSocketFactory());
    String uri =
        "wss://127.0.0.1:" + WebSocketListeners.port(broker, WebSocketListeners.WSS) + "/mqtt";
    roundTrip(uri, o, "paho-wss");
  }

  @Test
  void wssMutualTls_certificateIdentityIsTheUserName() throws Exception {
    TestPki.Device device = pki.device("paho-device");
    SSLContext ctx = JdkTls.context(pki.caFile(), device.cert(), device.key());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setSocketFactory(ctx.getSocketFactory());
    String uri =
        "wss://127.0.0.1:"
            + WebSocketListeners.port(broker, WebSocketListeners.WSS_MUTUAL)
            + "/mqtt";
    long mark = broker.log().mark();
    roundTrip(uri, o, "paho-mtls");
    broker.log().assertLogged(mark, Duration.ofSeconds(5), "as paho-mtls-pub", "u'paho-device'");
  }

  @Test
  void wssMutualTls_withoutCertificate_isRefused() {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setSocketFactory(JdkTls.context(pki.caFile(), null, null).getSocketFactory());
    o.setConnectionTimeout(10);
    String uri =
        "wss://127.0.0.1:"
            + WebSocketListeners.port(broker, WebSocketListeners.WSS_MUTUAL)
            + "/mqtt";
    assertThatThrownBy(
            () -> {
              MqttClient c = new MqttClient(uri, "paho-nocert", new MemoryPersistence());
              try {
                c.connect(o);
              } finally {
                c.close(true);
              }
            })
        .isInstanceOf(MqttException.class);
  }

  private static void roundTrip(String uri, MqttConnectOptions options, String id)
      throws Exception {
    options.setConnectionTimeout(10);
    options.setAutomaticReconnect(false);
    BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
    MqttClient sub = new MqttClient(uri, id + "-sub", new MemoryPersistence());
    MqttClient pub = new MqttClient(uri, id + "-pub", new MemoryPersistence());
    try {
      sub.connect(options);
      sub.subscribe(
          "ws/" + id,
          1,
          (t, m) -> got.add(t + "=" + new String(m.getPayload(), StandardCharsets.UTF_8)));
      pub.connect(options);
      // Larger than one TCP segment and than Netty's default WebSocket frame read, so that the
      // packet arrives in pieces on both sides.
      String big = "x".repeat(100_000);
      pub.publish("ws/" + id, "hello".getBytes(StandardCharsets.UTF_8), 1, false);
      pub.publish("ws/" + id, big.getBytes(StandardCharsets.UTF_8), 2, false);
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("ws/" + id + "=hello");
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("ws/" + id + "=" + big);
    } finally {
      if (pub.isConnected()) {
        pub.disconnect();
      }
      if (sub.isConnected()) {
        sub.disconnect();
      }
      pub.close(true);
      sub.close(true);
    }
  }
}
