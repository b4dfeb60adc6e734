package dev.mqttls.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.PacketTrace.Direction;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packet trace sees every packet both ways, in wire order, as {@code mosquitto_pub -d}. */
class PacketTraceTest {

  @Test
  void everyPacketSentAndReceived_isTraced_inOrder() throws Exception {
    List<String> trace = new CopyOnWriteArrayList<>();
    try (ScriptedBroker broker = new ScriptedBroker();
        MqttClient client =
            MqttClient.create(
                MqttClientConfig.builder("127.0.0.1")
                    .port(broker.port())
                    .clientId("traced")
                    .packetTrace(
                        (direction, packet) -> {
                          trace.add(direction + " " + packet.type());
                          if (packet instanceof Publish p) {
                            // the payload is readable during the call
                            trace.add("payload " + p.payload().readableBytes());
                          }
                        })
                    .build())) {
      CompletableFuture<?> connected = client.connect();
      ScriptedBroker.Conn conn = broker.accept();
      conn.take(Connect.class);
      conn.send(new Connack(false, ReasonCode.SUCCESS, MqttProperties.EMPTY));
      connected.get(10, TimeUnit.SECONDS);
      CompletableFuture<?> published =
          client.publish(Message.builder("t").payload("12345").qos(Qos.AT_LEAST_ONCE).build());
      Publish p = conn.take(Publish.class);
      conn.send(new Puback(p.packetId()));
      published.get(10, TimeUnit.SECONDS);
      p.release();
    }
    assertThat(trace)
        .startsWith(
            Direction.SENT + " CONNECT",
            Direction.RECEIVED + " CONNACK",
            Direction.SENT + " PUBLISH",
            "payload 5",
            Direction.RECEIVED + " PUBACK");
  }

  @Test
  void aTraceThatThrows_doesNotBreakTheConnection() throws Exception {
    try (ScriptedBroker broker = new ScriptedBroker();
        MqttClient client =
            MqttClient.create(
                MqttClientConfig.builder("127.0.0.1")
                    .port(broker.port())
                    .clientId("traced")
                    .packetTrace(
                        (direction, packet) -> {
                          throw new IllegalStateException("listener bug");
                        })
                    .build())) {
      CompletableFuture<?> connected = client.connect();
      ScriptedBroker.Conn conn = broker.accept();
      conn.take(Connect.class);
      conn.send(new Connack(false, ReasonCode.SUCCESS, MqttProperties.EMPTY));
      assertThat(connected.get(10, TimeUnit.SECONDS)).isNotNull();
    }
  }
}
