package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.MqttBytes;
import dev.mqttls.testing.RawPacket;
import dev.mqttls.testing.ScriptedClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input, each case on its own connection: the broker closes that connection (MQTT 5: with
 * the right reason code), logs the cause naming the client's address, and a subscriber on another
 * connection keeps receiving throughout. Mosquitto runs the same script to show that the test asks
 * for standard behaviour; where MQTT 5 lets a broker stay silent, only ours is held to the reason
 * code.
 */
class BadInputTest extends BothBrokersTest {
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final Map<Kind, Watch> watches = new EnumMap<>(Kind.class);

  @Override
  String[] confLines() {
    return new String[] {"max_packet_size 4096"};
  }

  /** A subscriber and a publisher on their own connections, for the whole class. */
  private record Watch(V5Client subscriber, V5Client publisher, String topic) {
    void assertStillFlows(String payload) {
      publisher.publish(topic, payload, 1, false);
      Received got = subscriber.inbox.next(WAIT);
      assertThat(got.payload()).isEqualTo(payload);
      assertThat(subscriber.isConnected()).isTrue();
    }
  }

  private synchronized Watch watch(Kind kind) {
    return watches.computeIfAbsent(
        kind,
        k -> {
          BrokerUnderTest broker = broker(k);
          String topic = Brokers.unique("badinput") + "/watch";
          V5Client sub = V5Client.connect(broker, Brokers.unique("watcher"), true);
          sub.subscribe(topic, 1);
          V5Client pub = V5Client.connect(broker, Brokers.unique("watchpub"), true);
          return new Watch(sub, pub, topic);
        });
  }

  @AfterAll
  void closeWatches() {
    for (Watch w : watches.values()) {
      w.subscriber().close();
      w.publisher().close();
    }
  }

  Stream<Arguments> kindAndInput() {
    List<Arguments> out = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (BadInput input : BadInput.values()) {
        out.add(Arguments.of(kind, input));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("kindAndInput")
  void badInputClosesOnlyItsOwnConnection(Kind kind, BadInput input) {
    BrokerUnderTest broker = broker(kind);
    Watch watch = watch(kind);
    watch.assertStillFlows("before-" + input);
    LogCapture log = broker.log().orElse(null);
    long mark = log == null ? 0 : log.mark();
    String address;
    try (ScriptedClient client = ScriptedClient.connect(broker.port())) {
      address = "127.0.0.1:" + client.localPort();
      if (input.afterConnect) {
        client.send(
            MqttBytes.connect(
                "MQTT", MqttBytes.V5, 0x02, BadInput.KEEP_ALIVE, new byte[0], "bad-" + input));
        RawPacket connack = client.awaitPacket(WAIT);
        assertThat(connack.type()).as(input + ": " + connack).isEqualTo(RawPacket.CONNACK);
        assertThat(connack.reasonCode()).as(input + ": " + connack).isZero();
      }
      // The broker may close before it has read everything (64 KiB, oversized packets).
      client.trySend(input.bytes);
      assertThat(client.awaitClose(CLOSE_WAIT))
          .as("%s on %s: connection closed; got %s", input, kind, client.describe())
          .isTrue();
      RawPacket answer = client.pollPacket(Duration.ZERO);
      if (input.reasonCode >= 0 && (kind == Kind.MQTTLS || answer != null)) {
        int expectedType = input.afterConnect ? RawPacket.DISCONNECT : RawPacket.CONNACK;
        assertThat(answer).as("%s on %s: %s", input, kind, client.describe()).isNotNull();
        assertThat(answer.type()).as(input + ": " + answer).isEqualTo(expectedType);
        assertThat(answer.reasonCode())
            .as("%s: reason code of %s", input, answer)
            .isEqualTo(kind == Kind.MQTTLS ? input.reasonCode : input.mosquittoReasonCode);
      } else if (input.reasonCode < 0) {
        // No CONNECT was accepted, so nothing may be sent but (at most) a refusing CONNACK.
        assertThat(answer == null || answer.type() == RawPacket.CONNACK)
            .as("%s: %s", input, client.describe())
            .isTrue();
      }
    }
    if (log != null) {
      // Who (the address, or the client id once CONNECT was accepted) and the named cause.
      String clientId = "bad-" + input;
      String line =
          log.awaitSince(
                  mark,
                  l ->
                      (l.contains(address) || (input.afterConnect && l.contains(clientId)))
                          && l.toLowerCase(java.util.Locale.ROOT).contains(input.logged),
                  WAIT)
              .orElseThrow(
                  () ->
                      new AssertionError(
                          input
                              + ": no log line naming "
                              + address
                              + " and '"
                              + input.logged
                              + "':\n  "
                              + String.join("\n  ", log.linesSince(mark))));
      assertThat(line).as("the payload never appears in the log").doesNotContain("\u0001");
    }
    watch.assertStillFlows("after-" + input);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void pubrelForAnUnknownIdIsAnsweredWithPacketIdentifierNotFound(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    Watch watch = watch(kind);
    try (ScriptedClient client = ScriptedClient.connect(broker.port())) {
      client.send(MqttBytes.connectV5(Brokers.unique("pubrel"), 30, true));
      assertThat(client.awaitPacket(WAIT).reasonCode()).isZero();
      client.send(BadInput.pubrelUnknownId());
      // MQTT 5 §3.7.2.1: PUBCOMP 0x92 Packet Identifier not found; the connection stays usable.
      RawPacket pubcomp = client.awaitPacket(WAIT);
      assertThat(pubcomp.type()).as(pubcomp.toString()).isEqualTo(RawPacket.PUBCOMP);
      // Mosquitto 2.0.11 answers 0x00; the reason code is not a MUST there, but ours names it.
      assertThat(pubcomp.reasonCode()).isEqualTo(kind == Kind.MQTTLS ? 0x92 : 0x00);
      client.send(MqttBytes.pingreq());
      assertThat(client.awaitPacket(WAIT).type()).isEqualTo(RawPacket.PINGRESP);
    }
    watch.assertStillFlows("after-pubrel");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void mqtt311BadInputClosesWithoutADisconnectPacket(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    Watch watch = watch(kind);
    try (ScriptedClient client = ScriptedClient.connect(broker.port())) {
      client.send(MqttBytes.connectV311(Brokers.unique("v311bad"), 30, true));
      assertThat(client.awaitPacket(WAIT).toBytes()).isEqualTo(new byte[] {0x20, 0x02, 0, 0});
      client.send(MqttBytes.publish(MqttBytes.V311, "a/#", 0, false, 0, new byte[] {1}));
      assertThat(client.awaitClose(CLOSE_WAIT)).as(client.describe()).isTrue();
      // MQTT 3.1.1 has no server DISCONNECT: the broker just closes (§4.8).
      assertThat(client.pollPacket(Duration.ZERO)).isNull();
    }
    watch.assertStillFlows("after-v311");
  }
}
