package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.PacketTrace.Direction;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.Unsubscribe;
import io.netty.buffer.Unpooled;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code -d}'s lines, worded as mosquitto_pub/sub -d words them (taken from their output). */
class PacketTraceWriterTest {
  private final PacketTraceWriter trace =
      new PacketTraceWriter(new PrintWriter(new StringWriter()), "cid");

  @Test
  void publishAndAcks_asMosquitto() {
    Publish p =
        new Publish(
            false,
            Qos.AT_LEAST_ONCE,
            false,
            "a/b",
            1,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
    try {
      assertThat(trace.line(Direction.SENT, p))
          .isEqualTo("Client cid sending PUBLISH (d0, q1, r0, m1, 'a/b', ... (5 bytes))");
    } finally {
      p.release();
    }
    assertThat(
            trace.line(
                Direction.RECEIVED, new Connack(false, ReasonCode.SUCCESS, MqttProperties.EMPTY)))
        .isEqualTo("Client cid received CONNACK (0)");
    assertThat(
            trace.line(Direction.RECEIVED, new Puback(1, ReasonCode.SUCCESS, MqttProperties.EMPTY)))
        .isEqualTo("Client cid received PUBACK (Mid: 1, RC:0)");
    assertThat(trace.line(Direction.SENT, new Puback(1, ReasonCode.SUCCESS, MqttProperties.EMPTY)))
        .isEqualTo("Client cid sending PUBACK (m1, rc0)");
    assertThat(trace.line(Direction.SENT, new Pubrel(1, ReasonCode.SUCCESS, MqttProperties.EMPTY)))
        .isEqualTo("Client cid sending PUBREL (m1)");
  }

  @Test
  void subscribeAndUnsubscribe_asMosquitto() {
    Subscribe s =
        new Subscribe(
            1,
            List.of(new Subscription(TopicFilter.of("a/#"), Qos.AT_LEAST_ONCE)),
            MqttProperties.EMPTY);
    assertThat(trace.line(Direction.SENT, s))
        .isEqualTo("Client cid sending SUBSCRIBE (Mid: 1, Topic: a/#, QoS: 1, Options: 0x00)");
    Unsubscribe u = new Unsubscribe(2, List.of(TopicFilter.of("a/b")), MqttProperties.EMPTY);
    assertThat(trace.line(Direction.SENT, u))
        .isEqualTo("Client cid sending UNSUBSCRIBE (Mid: 2, Topic: a/b)");
  }
}
