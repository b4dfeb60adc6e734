package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.ReasonCode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** $SYS, the broker's meters and its client table, seen from outside over real connections. */
class TelemetryTest {
  private static BrokerConfig config(int sysSeconds) {
    return BrokerConfig.builder()
        .listener(0, "127.0.0.1")
        .allowZeroLengthClientId(false)
        .sysInterval(Duration.ofSeconds(sysSeconds))
        .build();
  }

  /** Reads PUBLISHes for {@code span}; topic to last payload. */
  private static Map<String, String> drain(TestClient c, Duration span) throws Exception {
    Map<String, String> seen = new HashMap<>();
    long end = System.nanoTime() + span.toNanos();
    for (long left = span.toNanos(); left > 0; left = end - System.nanoTime()) {
      MqttPacket p;
      try {
        p = c.receive(Duration.ofNanos(left));
      } catch (SocketTimeoutException e) {
        return seen;
      }
      if (p instanceof Publish pub) {
        seen.put(pub.topic(), TestClient.text(pub));
      } else if (p == null) {
        throw new AssertionError("the broker closed the connection");
      }
    }
    return seen;
  }

  @Test
  void sysTree_retainedWithMosquittosNames_andNotMatchedByHash() throws Exception {
    try (Broker broker = Broker.start(config(1));
        TestClient sys = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "sys");
        TestClient all = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "all")) {
      all.subscribe(1, "#", 0);
      sys.subscribe(1, "$SYS/#", 0);
      // The retained tree at once, then what changed after one more sys_interval.
      Map<String, String> tree = drain(sys, Duration.ofMillis(2500));
      assertThat(tree)
          .containsKeys(
              "$SYS/broker/version",
              "$SYS/broker/uptime",
              "$SYS/broker/clients/connected",
              "$SYS/broker/clients/maximum",
              "$SYS/broker/messages/received",
              "$SYS/broker/publish/messages/received",
              "$SYS/broker/bytes/sent",
              "$SYS/broker/load/messages/received/1min",
              "$SYS/broker/subscriptions/count",
              "$SYS/broker/retained messages/count",
              "$SYS/broker/store/messages/count");
      assertThat(tree.get("$SYS/broker/version")).startsWith("mqttls version ");
      assertThat(tree.get("$SYS/broker/uptime")).matches("\\d+ seconds");
      assertThat(tree.get("$SYS/broker/clients/connected")).isEqualTo("2");
      // MQTT 4.7.2: '#' never matches a topic starting with '$'.
      assertThat(drain(all, Duration.ofMillis(300))).isEmpty();

      for (int i = 0; i < 5; i++) {
        all.publish("t/" + i, "x", 0, 0, false);
      }
      assertThat(drain(all, Duration.ofMillis(300))).hasSize(5);
      Map<String, String> later = drain(sys, Duration.ofMillis(1500));
      assertThat(Long.parseLong(later.get("$SYS/broker/publish/messages/received")))
          .isGreaterThanOrEqualTo(5);
      assertThat(Long.parseLong(later.get("$SYS/broker/publish/messages/sent")))
          .isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void sysIntervalZero_noSysTree() throws Exception {
    try (Broker broker = Broker.start(config(0));
        TestClient sys = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "sys")) {
      sys.subscribe(1, "$SYS/#", 0);
      assertThat(sys.silentFor(Duration.ofMillis(1500))).isTrue();
    }
  }

  @Test
  void meters_countTrafficConnectsAndRefusals_andTheTableListsClients() throws Exception {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (Broker broker = Broker.start(config(0))) {
      broker.telemetry().publishTo(r);
      try (TestClient sub = TestClient.connect(broker.address(0), MqttVersion.V5, "sub-1");
          TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "pub-1")) {
        sub.subscribe(1, "m/#", 1);
        assertThat(broker.telemetry().connectedClients())
            .extracting(ConnectedClient::clientId)
            .containsExactlyInAnyOrder("sub-1", "pub-1");
        assertThat(broker.telemetry().connectedClients())
            .filteredOn(c -> c.clientId().equals("sub-1"))
            .singleElement()
            .satisfies(
                c -> {
                  assertThat(c.protocol()).isEqualTo("MQTT 5.0");
                  assertThat(c.tlsVersion()).isEmpty();
                  assertThat(c.address()).startsWith("127.0.0.1:");
                });
        for (int i = 0; i < 3; i++) {
          pub.publish("m/a", "hello", 0, 0, false);
        }
        for (int i = 0; i < 3; i++) {
          assertThat(sub.expect(Publish.class).topic()).isEqualTo("m/a");
        }
      }
      try (TestClient bad = TestClient.open(broker.address(0), MqttVersion.V5)) {
        Connack ack = bad.connect(new Connect(MqttVersion.V5, "", true, 60));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
      }
      assertThat(broker.telemetry().recentRefusals())
          .first()
          .satisfies(
              f -> {
                assertThat(f.kind()).isEqualTo(Refusal.Kind.CONNECT);
                assertThat(f.cause()).isEqualTo("client_identifier_not_valid");
                assertThat(f.clientId()).contains("");
              });
      assertThat(count(r, "mqttls.publish.received", "qos", "0")).isEqualTo(3);
      assertThat(count(r, "mqttls.publish.sent", "qos", "0")).isEqualTo(3);
      assertThat(count(r, "mqttls.publish.payload.received", "qos", "0")).isEqualTo(15);
      assertThat(count(r, "mqttls.connects", "reason", "success")).isEqualTo(2);
      assertThat(count(r, "mqttls.connect.refusals", "reason", "client_identifier_not_valid"))
          .isEqualTo(1);
      assertThat(r.get("mqttls.network.received").functionCounter().count()).isPositive();
      assertThat(r.get("jvm.memory.used").gauges()).isNotEmpty();
      assertThat(r.find("netty.allocator.memory.used").gauges()).isNotEmpty();
      // Closed connections leave the table (their close is handled on the loops, soon after).
      for (int i = 0; i < 100 && !broker.telemetry().connectedClients().isEmpty(); i++) {
        Thread.sleep(20);
      }
      assertThat(broker.telemetry().connectedClients()).isEmpty();
      assertThat(r.get("mqttls.connections").gauge().value()).isZero();
      assertThat(broker.telemetry().notReady()).isEmpty();
    }
    assertThat(r.find("mqttls.connects").functionCounters()).isNotEmpty();
  }

  private static double count(SimpleMeterRegistry r, String name, String tag, String value) {
    FunctionCounter c = r.find(name).tag(tag, value).functionCounter();
    assertThat(c).as(name + "{" + tag + "=" + value + "}").isNotNull();
    return c.count();
  }
}
