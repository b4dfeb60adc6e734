package dev.mqttls.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With manual acknowledgement, a QoS 1 or 2 message from the broker is acknowledged (PUBACK,
 * PUBREC) only when the application says so, and a message of an ended connection is not.
 */
class ManualAcknowledgementTest {
  private final ScriptedBroker broker = newBroker();
  private MqttClient client;

  private static ScriptedBroker newBroker() {
    try {
      return new ScriptedBroker();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    broker.close();
  }

  private static Publish publish(Qos qos, int id, String payload) {
    return new Publish(
        false,
        qos,
        false,
        "a/b",
        id,
        MqttProperties.EMPTY,
        Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
  }

  private ScriptedBroker.Conn connected(BlockingQueue<Message> got) throws Exception {
    client =
        MqttClient.create(
            MqttClientConfig.builder("127.0.0.1")
                .port(broker.port())
                .clientId("gw")
                .manualAcknowledgement(true)
                .build());
    var f = client.connect();
    ScriptedBroker.Conn conn = broker.accept();
    conn.take(Connect.class);
    conn.send(new Connack(false, ReasonCode.SUCCESS, MqttProperties.EMPTY));
    f.get(10, TimeUnit.SECONDS);
    var s = client.subscribe("a/#", Qos.EXACTLY_ONCE, got::add);
    Subscribe sub = conn.take(Subscribe.class);
    conn.send(new Suback(sub.packetId(), List.of(ReasonCode.GRANTED_QOS_2), MqttProperties.EMPTY));
    s.get(10, TimeUnit.SECONDS);
    return conn;
  }

  @Test
  void qos1And2_acknowledgedOnlyWhenTheApplicationSaysSo() throws Exception {
    BlockingQueue<Message> got = new LinkedBlockingQueue<>();
    ScriptedBroker.Conn conn = connected(got);
    conn.send(publish(Qos.AT_LEAST_ONCE, 7, "one"));
    conn.send(publish(Qos.EXACTLY_ONCE, 8, "two"));
    Message one = got.poll(10, TimeUnit.SECONDS);
    Message two = got.poll(10, TimeUnit.SECONDS);
    assertThat(one.payloadAsString()).isEqualTo("one");
    assertThat(two.payloadAsString()).isEqualTo("two");
    assertThat(conn.quietFor(300)).as("no PUBACK or PUBREC before acknowledge").isTrue();

    client.acknowledge(two);
    assertThat(conn.take(Pubrec.class).packetId()).isEqualTo(8);
    client.acknowledge(one);
    assertThat(conn.take(Puback.class).packetId()).isEqualTo(7);
    // once only
    client.acknowledge(one);
    assertThat(conn.quietFor(300)).isTrue();
  }

  @Test
  void aQos2ResendBeforeTheAcknowledgement_isNeitherDeliveredAgainNorAcknowledged()
      throws Exception {
    BlockingQueue<Message> got = new LinkedBlockingQueue<>();
    ScriptedBroker.Conn conn = connected(got);
    conn.send(publish(Qos.EXACTLY_ONCE, 9, "x"));
    Message m = got.poll(10, TimeUnit.SECONDS);
    conn.send(publish(Qos.EXACTLY_ONCE, 9, "x"));
    assertThat(conn.quietFor(300)).isTrue();
    assertThat(got).isEmpty();
    client.acknowledge(m);
    assertThat(conn.take(Pubrec.class).packetId()).isEqualTo(9);
  }
}
