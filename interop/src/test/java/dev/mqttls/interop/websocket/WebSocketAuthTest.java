package dev.mqttls.interop.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.testing.EmbeddedBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket listener is the same broker as a TCP one: password_file, acl_file and max_packet_size
 * apply, with the same log lines (Paho's ws:// transport as the client).
 */
class WebSocketAuthTest {
  // alice/secret-a, hashed by mosquitto_passwd
  static final String PASSWD =
      "alice:$7$101$KLSIppvsfaefRVqd$kk68hjqXCX/N+LhJGxXbgPWaS7spXLq2Zu0MBut9oanlusBwIAomt4BZ04puKEdWk3E8oQ2LjXiKbkzoPJMiJQ==\n";

  @TempDir static Path dir;
  static EmbeddedBroker broker;
  static String uri;

  @BeforeAll
  static void start() throws Exception {
    Path pw = Files.writeString(dir.resolve("passwd"), PASSWD);
    Path acl = Files.writeString(dir.resolve("acl"), "user alice\ntopic readwrite ws/#\n");
    broker =
        EmbeddedBroker.start(
            "listener 0 127.0.0.1",
            "protocol websockets",
            "allow_anonymous false",
            "password_file " + pw,
            "acl_file " + acl,
            "max_packet_size 1000");
    uri = "ws://127.0.0.1:" + broker.port() + "/mqtt";
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  static MqttClient connect(String id, String user, String password) throws MqttException {
    MqttClient c = new MqttClient(uri, id, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setConnectionTimeout(10);
    o.setAutomaticReconnect(false);
    if (user != null) {
      o.setUserName(user);
      o.setPassword(password.toCharArray());
    }
    try {
      c.connect(o);
    } catch (MqttException e) {
      c.close(true);
      throw e;
    }
    return c;
  }

  @Test
  void passwordFile_refusesAnonymousAndWrongPasswords_withTheTcpLogLines() throws Exception {
    long mark = broker.log().mark();
    // Spelled out with the JDK's WebSocket client: CONNACK 0x05 (not authorized), as on TCP.
    WebSocketFramingTest.Collector in = new WebSocketFramingTest.Collector();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("mqtt")
            .buildAsync(URI.create(uri), in)
            .get(10, TimeUnit.SECONDS);
    try {
      byte[] connect = {
        0x10, 0x10, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 4, 'a', 'n', 'o', 'n'
      };
      ws.sendBinary(ByteBuffer.wrap(connect), true).get(5, TimeUnit.SECONDS);
      assertThat(in.await(4)).containsExactly(0x20, 2, 0, 5);
    } finally {
      ws.abort();
    }
    // Paho learns the refusal too (its WebSocket transport may report the close that follows the
    // CONNACK rather than the CONNACK's code, so only the refusal is asserted).
    assertThatThrownBy(() -> connect("ws-wrong", "alice", "nope"))
        .isInstanceOf(MqttException.class);
    broker
        .log()
        .assertLogged(
            mark,
            Duration.ofSeconds(5),
            "anonymous clients are not allowed (allow_anonymous false)");
    broker
        .log()
        .assertLogged(mark, Duration.ofSeconds(5), "ws-wrong", "wrong password for user 'alice'");
  }

  @Test
  void aclFile_decidesSubscriptions_andMaxPacketSizeHolds() throws Exception {
    MqttClient alice = connect("ws-alice", "alice", "secret-a");
    try {
      BlockingQueue<String> got = new ArrayBlockingQueue<>(4);
      assertThat(alice.subscribeWithResponse("other/#", 1).getGrantedQos()[0]).isEqualTo(0x80);
      assertThat(
              alice.subscribeWithResponse(
                      "ws/#",
                      1,
                      (t, m) -> got.add(new String(m.getPayload(), StandardCharsets.UTF_8)))
                  .getGrantedQos()[0])
          .isEqualTo(1);
      alice.publish("ws/a", "small".getBytes(StandardCharsets.UTF_8), 1, false);
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("small");
      // Larger than max_packet_size: the broker closes the connection, as on TCP.
      try {
        alice.publish("ws/a", new byte[2000], 1, false);
      } catch (MqttException e) {
        // the connection may already be gone when Paho waits for PUBACK
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (alice.isConnected() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      assertThat(alice.isConnected()).isFalse();
      assertThat(got).isEmpty();
    } finally {
      alice.close(true);
    }
  }
}
