package dev.mqttls.interop.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.NodePackages;
import dev.mqttls.testing.pki.TestPki;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT.js (the npm {@code mqtt} package, in Node) over WebSockets to our broker: plain, TLS and
 * mutual TLS; it subscribes, publishes at QoS 1 and receives its own message.
 */
class MqttJsTest {
  @TempDir static Path dir;
  static TestPki pki;
  static EmbeddedBroker broker;
  static Path script;

  @BeforeAll
  static void start() throws IOException {
    NodePackages.require("mqtt");
    pki = TestPki.create(dir);
    broker = WebSocketListeners.start(pki, null);
    try (InputStream in = MqttJsTest.class.getResourceAsStream("/mqttjs/pubsub.js")) {
      script = Files.write(dir.resolve("pubsub.js"), in.readAllBytes());
    }
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void ws_mqtt311() throws Exception {
    String out = run("ws", WebSocketListeners.WS, "mqttjs-ws", 4, null);
    assertThat(out).contains("CONNECTED", "SUBACK 1", "RECEIVED js/mqttjs-ws hello from mqtt.js");
  }

  @Test
  void ws_mqtt5() throws Exception {
    String out = run("ws", WebSocketListeners.WS, "mqttjs-ws5", 5, null);
    assertThat(out).contains("RECEIVED js/mqttjs-ws5 hello from mqtt.js");
    broker.log().assertLogged(0, Duration.ofSeconds(5), "as mqttjs-ws5 (p5");
  }

  @Test
  void wss() throws Exception {
    String out = run("wss", WebSocketListeners.WSS, "mqttjs-wss", 4, null);
    assertThat(out).contains("RECEIVED js/mqttjs-wss hello from mqtt.js");
  }

  @Test
  void wssMutualTls_identityIsTheUserName() throws Exception {
    long mark = broker.log().mark();
    String out = run("wss", WebSocketListeners.WSS_MUTUAL, "mqttjs-mtls", 4, pki.device("js-dev"));
    assertThat(out).contains("RECEIVED js/mqttjs-mtls hello from mqtt.js");
    broker.log().assertLogged(mark, Duration.ofSeconds(5), "as mqttjs-mtls", "u'js-dev'");
  }

  @Test
  void wssMutualTls_withoutCertificate_fails() throws Exception {
    String out = run("wss", WebSocketListeners.WSS_MUTUAL, "mqttjs-nocert", 4, null);
    assertThat(out).doesNotContain("CONNECTED").contains("ERROR");
  }

  private static String run(
      String scheme, int listener, String clientId, int version, TestPki.Device device)
      throws Exception {
    String url = scheme + "://localhost:" + WebSocketListeners.port(broker, listener) + "/mqtt";
    StringBuilder json = new StringBuilder("{");
    json.append(q("clientId")).append(':').append(q(clientId));
    json.append(',').append(q("topic")).append(':').append(q("js/" + clientId));
    json.append(',').append(q("protocolVersion")).append(':').append(version);
    if (scheme.equals("wss")) {
      json.append(',').append(q("ca")).append(':').append(q(pki.caFile().toString()));
    }
    if (device != null) {
      json.append(',').append(q("cert")).append(':').append(q(device.cert().toString()));
      json.append(',').append(q("key")).append(':').append(q(device.key().toString()));
    }
    json.append('}');
    List<String> cmd = new ArrayList<>(List.of(NodePackages.node(), script.toString(), url));
    cmd.add(json.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("NODE_PATH", NodePackages.modules().toString());
    Process p = pb.start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("MQTT.js did not finish in 30 s");
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      // by its PID: SIGTERM, then SIGKILL
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static String q(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
