package dev.mqttls.interop.broker;

import static dev.mqttls.testing.MqttBytes.concat;
import static dev.mqttls.testing.MqttBytes.u16;
import static dev.mqttls.testing.MqttBytes.utf8;
import static dev.mqttls.testing.MqttBytes.varInt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import dev.mqttls.testing.MqttBytes;
import dev.mqttls.testing.RawPacket;
import dev.mqttls.testing.ScriptedClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * MQTT 5 features whose proof is on the wire (topic aliases, maximum packet size, keep-alive,
 * takeover), asserted byte by byte with a scripted client.
 */
class ScriptedFeaturesTest extends BothBrokersTest {
  private static final int PACKET_TOO_LARGE = 0x95;
  private static final int SESSION_TAKEN_OVER = 0x8E;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void topicAliasFromClientToBrokerIsResolved(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("alias-in") + "/some/long/topic";
    try (V5Client sub = V5Client.connect(broker, Brokers.unique("aliassub"), true);
        ScriptedClient pub = ScriptedClient.connect(broker.port())) {
      sub.subscribe(topic, 1);
      RawPacket connack = connectV5(pub, Brokers.unique("aliaspub"), 30, new byte[0]);
      Object max = WireProperties.ofConnack(connack).get(WireProperties.TOPIC_ALIAS_MAXIMUM);
      assertThat(max).as("CONNACK advertises Topic Alias Maximum").isNotNull();
      assertThat((Integer) ((List<?>) max).get(0)).isPositive();

      byte[] alias1 = {0x23, 0x00, 0x01};
      pub.send(publishV5(topic, 1, 1, alias1, "with-topic"));
      pub.send(publishV5("", 1, 2, alias1, "alias-only"));
      assertThat(pub.awaitPacket(WAIT).toBytes()).isEqualTo(new byte[] {0x40, 0x02, 0, 1});
      assertThat(pub.awaitPacket(WAIT).toBytes()).isEqualTo(new byte[] {0x40, 0x02, 0, 2});
      assertThat(sub.inbox.next(2, WAIT))
          .extracting(Received::topic, Received::payload)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(topic, "with-topic"),
              org.assertj.core.groups.Tuple.tuple(topic, "alias-only"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void topicAliasFromBrokerToClientStaysConsistent(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("alias-out") + "/some/long/topic";
    try (ScriptedClient sub = ScriptedClient.connect(broker.port());
        V5Client pub = V5Client.connect(broker, Brokers.unique("aliaspub"), true)) {
      connectV5(sub, Brokers.unique("aliassub"), 30, new byte[] {0x22, 0x00, 0x05});
      sub.send(MqttBytes.subscribe(MqttBytes.V5, 1, topic, 0));
      assertThat(sub.awaitPacket(WAIT).type()).isEqualTo(RawPacket.SUBACK);
      for (int i = 0; i < 3; i++) {
        pub.publish(topic, "m" + i, 0, false);
      }
      List<WireProperties.Publish> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        got.add(WireProperties.ofPublish(sub.awaitPacket(WAIT)));
      }
      // Resolve as a client must (MQTT 5 §3.3.2.3.4): an empty topic needs a known alias.
      Map<Object, String> aliases = new java.util.HashMap<>();
      for (WireProperties.Publish p : got) {
        Object alias = p.first(WireProperties.TOPIC_ALIAS);
        if (!p.topic().isEmpty() && alias != null) {
          aliases.put(alias, p.topic());
        }
        String resolved = p.topic().isEmpty() ? aliases.get(alias) : p.topic();
        assertThat(resolved).as("topic of " + p).isEqualTo(topic);
        assertThat((Integer) (alias == null ? 1 : alias)).isBetween(1, 5);
      }
      assertThat(got).extracting(WireProperties.Publish::payload).containsExactly("m0", "m1", "m2");
      if (kind == Kind.MQTTLS) {
        // Ours uses the alias the client allowed; Mosquitto 2.0 never sends aliases.
        assertThat(got.get(0).first(WireProperties.TOPIC_ALIAS)).isNotNull();
        assertThat(got.get(1).topic()).isEmpty();
        assertThat(got.get(2).topic()).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void publishOverTheBrokersMaximumPacketSizeClosesThatConnection(Kind kind) {
    try (BrokerUnderTest broker = kind.start("max_packet_size 2048");
        ScriptedClient client = ScriptedClient.connect(broker.port())) {
      RawPacket connack = connectV5(client, Brokers.unique("big"), 30, new byte[0]);
      assertThat(WireProperties.ofConnack(connack).get(WireProperties.MAXIMUM_PACKET_SIZE))
          .containsExactly(2048L);
      client.trySend(MqttBytes.publish(MqttBytes.V5, "big/t", 0, false, 0, new byte[4000]));
      assertThat(client.awaitClose(WAIT)).as(client.describe()).isTrue();
      if (kind == Kind.MQTTLS) {
        RawPacket disconnect = client.awaitPacket(WAIT);
        assertThat(disconnect.type()).isEqualTo(RawPacket.DISCONNECT);
        assertThat(disconnect.reasonCode()).isEqualTo(PACKET_TOO_LARGE);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void silentClientIsClosedAfterOneAndAHalfKeepAlives(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    try (ScriptedClient silent = ScriptedClient.connect(broker.port())) {
      connectV5(silent, Brokers.unique("silent"), 1, new byte[0]);
      assertThat(silent.awaitClose(Duration.ofSeconds(6))).as(silent.describe()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void pingingClientStaysConnected(Kind kind) throws InterruptedException {
    BrokerUnderTest broker = broker(kind);
    try (ScriptedClient pinger = ScriptedClient.connect(broker.port())) {
      connectV5(pinger, Brokers.unique("pinger"), 1, new byte[0]);
      for (int i = 0; i < 6; i++) {
        pinger.send(MqttBytes.pingreq());
        assertThat(pinger.awaitPacket(WAIT).type()).isEqualTo(RawPacket.PINGRESP);
        Thread.sleep(400);
      }
      assertThat(pinger.isClosedByServer()).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void serverKeepAliveCapsTheClientsRequest(Kind kind) {
    try (BrokerUnderTest broker = kind.start("max_keepalive 10");
        ScriptedClient client = ScriptedClient.connect(broker.port())) {
      RawPacket connack = connectV5(client, Brokers.unique("ka"), 60, new byte[0]);
      assertThat(WireProperties.ofConnack(connack).get(WireProperties.SERVER_KEEP_ALIVE))
          .containsExactly(10);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void takeoverSendsSessionTakenOverToTheOldConnection(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String id = Brokers.unique("taken");
    try (ScriptedClient old = ScriptedClient.connect(broker.port());
        ScriptedClient current = ScriptedClient.connect(broker.port())) {
      connectV5(old, id, 30, new byte[0]);
      connectV5(current, id, 30, new byte[0]);
      assertThat(old.awaitClose(WAIT)).as(old.describe()).isTrue();
      if (kind == Kind.MQTTLS) {
        RawPacket disconnect = old.awaitPacket(WAIT);
        assertThat(disconnect.type()).isEqualTo(RawPacket.DISCONNECT);
        assertThat(disconnect.reasonCode()).isEqualTo(SESSION_TAKEN_OVER);
      }
      current.send(MqttBytes.pingreq());
      assertThat(current.awaitPacket(WAIT).type()).isEqualTo(RawPacket.PINGRESP);
    }
  }

  /** Ours only: MQTT 5 §3.3.2.3.2 makes the check a MAY, and Mosquitto 2.0.11 answers 0x10. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Kind.class, names = "MQTTLS")
  void payloadMarkedUtf8MustBeUtf8AndProblemInformationFollowsTheRequest(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    byte[] utf8Marked = {0x01, 0x01};
    try (ScriptedClient client = ScriptedClient.connect(broker.port());
        ScriptedClient quiet = ScriptedClient.connect(broker.port())) {
      connectV5(client, Brokers.unique("pfi"), 30, new byte[0]);
      client.send(publishV5("pfi/t", 1, 7, utf8Marked, "ok \u00e9"));
      RawPacket fine = client.awaitPacket(WAIT);
      assertThat(fine.type()).isEqualTo(RawPacket.PUBACK);
      assertThat(fine.reasonCode()).as(fine.toString()).isIn(0x00, 0x10);

      byte[] bad =
          MqttBytes.frame(
              0x32,
              concat(utf8("pfi/t"), u16(8), new byte[] {2, 1, 1}, new byte[] {(byte) 0xC3, 0x28}));
      client.send(bad);
      RawPacket refused = client.awaitPacket(WAIT);
      assertThat(refused.type()).as(refused.toString()).isEqualTo(RawPacket.PUBACK);
      assertThat(refused.reasonCode()).as(refused.toString()).isEqualTo(0x99);

      // Request Problem Information 0: no Reason String on a PUBACK (MQTT 5 §3.1.2.11.7).
      connectV5(quiet, Brokers.unique("pfi-quiet"), 30, new byte[] {0x17, 0x00});
      quiet.send(bad);
      RawPacket terse = quiet.awaitPacket(WAIT);
      assertThat(terse.type()).as(terse.toString()).isEqualTo(RawPacket.PUBACK);
      assertThat(terse.reasonCode()).isEqualTo(0x99);
      assertThat(terse.body().length == 3 || terse.body()[3] == 0)
          .as("no properties in %s", terse)
          .isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void anonymousClientsAreRefusedWhenNotAllowed(Kind kind) {
    try (BrokerUnderTest broker = kind.start("allow_anonymous false");
        ScriptedClient v5 = ScriptedClient.connect(broker.port());
        ScriptedClient v311 = ScriptedClient.connect(broker.port())) {
      v5.send(MqttBytes.connectV5(Brokers.unique("anon5"), 30, true));
      RawPacket refused = v5.awaitPacket(WAIT);
      assertThat(refused.type()).isEqualTo(RawPacket.CONNACK);
      assertThat(refused.reasonCode()).as(refused.toString()).isEqualTo(0x87);
      assertThat(v5.awaitClose(WAIT)).isTrue();

      v311.send(MqttBytes.connectV311(Brokers.unique("anon3"), 30, true));
      // MQTT 3.1.1 §3.2.2.3: return code 5, not authorized.
      assertThat(v311.awaitPacket(WAIT).toBytes()).isEqualTo(new byte[] {0x20, 0x02, 0, 5});
      assertThat(v311.awaitClose(WAIT)).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void retainedPublishIsRefusedWhenRetainIsNotAvailable(Kind kind) {
    try (BrokerUnderTest broker = kind.start("retain_available false");
        ScriptedClient client = ScriptedClient.connect(broker.port())) {
      RawPacket connack = connectV5(client, Brokers.unique("noretain"), 30, new byte[0]);
      // Retain Available 0 (property 0x25) in the CONNACK, then 0x9A for a retained PUBLISH.
      assertThat(WireProperties.ofConnack(connack).get(0x25)).containsExactly(0);
      client.trySend(MqttBytes.publish(MqttBytes.V5, "noretain/t", 1, true, 1, new byte[] {1}));
      assertThat(client.awaitClose(WAIT)).as(client.describe()).isTrue();
      RawPacket disconnect = client.awaitPacket(WAIT);
      assertThat(disconnect.type()).isEqualTo(RawPacket.DISCONNECT);
      assertThat(disconnect.reasonCode()).isEqualTo(0x9A);
    }
  }

  /** Sends a v5 CONNECT with {@code properties} and asserts a successful CONNACK. */
  static RawPacket connectV5(ScriptedClient client, String id, int keepAlive, byte[] properties) {
    client.send(MqttBytes.connect("MQTT", MqttBytes.V5, 0x02, keepAlive, properties, id));
    RawPacket connack = client.awaitPacket(WAIT);
    assertThat(connack.type()).as(connack.toString()).isEqualTo(RawPacket.CONNACK);
    assertThat(connack.reasonCode()).as(connack.toString()).isZero();
    return connack;
  }

  static byte[] publishV5(String topic, int qos, int packetId, byte[] properties, String payload) {
    byte[] id = qos > 0 ? u16(packetId) : new byte[0];
    return MqttBytes.frame(
        0x30 | (qos << 1),
        concat(
            utf8(topic),
            id,
            varInt(properties.length),
            properties,
            payload.getBytes(StandardCharsets.UTF_8)));
  }
}
