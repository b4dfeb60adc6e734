package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Eclipse Paho's MQTT 5 client through the features of an MQTT 5 broker. */
class PahoV5Test extends BothBrokersTest {
  private static final int SESSION_TAKEN_OVER = 0x8E;
  private static final int DISCONNECT_WITH_WILL = 0x04;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void qos012FlowBothWays(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String base = Brokers.unique("v5");
    try (V5Client a = V5Client.connect(broker, Brokers.unique("v5a"), true);
        V5Client b = V5Client.connect(broker, Brokers.unique("v5b"), true)) {
      a.subscribe(base + "/to-a", 2);
      b.subscribe(base + "/to-b", 2);
      for (int qos = 0; qos <= 2; qos++) {
        a.publish(base + "/to-b", "from-a-q" + qos, qos, false);
        b.publish(base + "/to-a", "from-b-q" + qos, qos, false);
      }
      assertThat(a.inbox.next(3, WAIT))
          .extracting(Received::payload, Received::qos)
          .containsExactlyInAnyOrder(
              tuple("from-b-q0", 0), tuple("from-b-q1", 1), tuple("from-b-q2", 2));
      assertThat(b.inbox.next(3, WAIT))
          .extracting(Received::payload, Received::qos)
          .containsExactlyInAnyOrder(
              tuple("from-a-q0", 0), tuple("from-a-q1", 1), tuple("from-a-q2", 2));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void takeoverClosesTheOldConnectionWithSessionTakenOver(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String id = Brokers.unique("v5same");
    try (V5Client old = V5Client.connect(broker, id, true);
        V5Client current = V5Client.connect(broker, id, true)) {
      MqttDisconnectResponse response = old.awaitDisconnected(WAIT);
      if (kind == Kind.MQTTLS) {
        // MQTT 5 §3.1.4 step 2; Mosquitto 2.0.11 only closes the connection.
        assertThat(response).as("the old client got a DISCONNECT").isNotNull();
        assertThat(response.getReturnCode()).isEqualTo(SESSION_TAKEN_OVER);
      }
      assertThat(current.isConnected()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void emptyClientIdGetsAnAssignedIdentifier(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    try (V5Client client = V5Client.connect(broker, "", true)) {
      String assigned = client.connack().getAssignedClientIdentifier();
      assertThat(assigned).isNotBlank();
      try (V5Client other = V5Client.connect(broker, "", true)) {
        assertThat(other.connack().getAssignedClientIdentifier()).isNotEqualTo(assigned);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void persistentSessionSurvivesReconnectAndQueuesOfflineMessages(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String id = Brokers.unique("v5persistent");
    String topic = Brokers.unique("v5") + "/queued";
    try (V5Client first = V5Client.connect(broker, id, o -> persistent(o, true))) {
      assertThat(first.sessionPresent()).isFalse();
      first.subscribe(topic, 1);
    }
    try (V5Client pub = V5Client.connect(broker, Brokers.unique("v5pub"), true)) {
      for (int i = 0; i < 5; i++) {
        pub.publish(topic, "offline-" + i, 1, false);
      }
    }
    try (V5Client again = V5Client.connect(broker, id, o -> persistent(o, false))) {
      assertThat(again.sessionPresent()).isTrue();
      assertThat(payloads(again.inbox.next(5, WAIT)))
          .containsExactly("offline-0", "offline-1", "offline-2", "offline-3", "offline-4");
    }
    try (V5Client fresh = V5Client.connect(broker, id, o -> persistent(o, true))) {
      assertThat(fresh.sessionPresent()).as("Clean Start discards the session").isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void sharedSubscriptionDeliversEachMessageToOneMember(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v5") + "/shared";
    String group = Brokers.unique("g").replace('-', '_');
    try (V5Client m1 = V5Client.connect(broker, Brokers.unique("v5m1"), true);
        V5Client m2 = V5Client.connect(broker, Brokers.unique("v5m2"), true);
        V5Client plain = V5Client.connect(broker, Brokers.unique("v5plain"), true);
        V5Client pub = V5Client.connect(broker, Brokers.unique("v5pub"), true)) {
      m1.subscribe("$share/" + group + "/" + topic, 1);
      m2.subscribe("$share/" + group + "/" + topic, 1);
      plain.subscribe(topic, 1);
      int count = 40;
      for (int i = 0; i < count; i++) {
        pub.publish(topic, "s" + i, 1, false);
      }
      // The plain subscriber gets every message; the group gets each exactly once between them.
      assertThat(payloads(plain.inbox.next(count, WAIT))).hasSize(count).doesNotHaveDuplicates();
      pub.publish(topic + "/end", "end", 1, false);
      List<String> all = new ArrayList<>();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (all.size() < count && System.nanoTime() < deadline) {
        Received r = m1.inbox.poll(java.time.Duration.ofMillis(50));
        if (r != null) {
          all.add(r.payload());
        }
        r = m2.inbox.poll(java.time.Duration.ofMillis(50));
        if (r != null) {
          all.add(r.payload());
        }
      }
      assertThat(all).hasSize(count).doesNotHaveDuplicates();
      assertThat(m1.inbox.drain()).isEmpty();
      assertThat(m2.inbox.drain()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void noLocalSuppressesOwnMessagesOnly(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v5") + "/nolocal";
    try (V5Client self = V5Client.connect(broker, Brokers.unique("v5self"), true);
        V5Client other = V5Client.connect(broker, Brokers.unique("v5other"), true)) {
      MqttSubscription sub = new MqttSubscription(topic, 1);
      sub.setNoLocal(true);
      self.subscribe(sub, null);
      self.publish(topic, "own", 1, false);
      other.publish(topic, "foreign", 1, false);
      self.publish(topic, "own-2", 1, false);
      other.publish(topic, "marker", 1, false);
      assertThat(payloads(untilMarker(self.inbox, "marker"))).containsExactly("foreign", "marker");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void retainAsPublishedKeepsTheRetainFlagOnLiveMessages(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v5") + "/rap";
    try (V5Client keeps = V5Client.connect(broker, Brokers.unique("v5keeps"), true);
        V5Client clears = V5Client.connect(broker, Brokers.unique("v5clears"), true);
        V5Client pub = V5Client.connect(broker, Brokers.unique("v5pub"), true)) {
      MqttSubscription rap = new MqttSubscription(topic, 1);
      rap.setRetainAsPublished(true);
      keeps.subscribe(rap, null);
      clears.subscribe(topic, 1);
      pub.publish(topic, "live-retained", 1, true);
      assertThat(keeps.inbox.next(WAIT).retained()).isTrue();
      assertThat(clears.inbox.next(WAIT).retained()).isFalse();
      pub.publish(topic, "", 1, true);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void retainHandlingControlsRetainedMessagesAtSubscribe(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v5") + "/rh";
    try (V5Client pub = V5Client.connect(broker, Brokers.unique("v5pub"), true);
        V5Client c = V5Client.connect(broker, Brokers.unique("v5rh"), true)) {
      pub.publish(topic, "kept", 1, true);

      c.subscribe(withRetainHandling(topic, 0), null);
      assertThat(c.inbox.next(WAIT).payload()).isEqualTo("kept");
      c.subscribe(withRetainHandling(topic, 0), null);
      assertThat(c.inbox.next(WAIT).payload()).as("0: sent on every subscribe").isEqualTo("kept");
      c.subscribe(withRetainHandling(topic, 1), null);
      pub.publish(topic + "/x", "marker", 1, false);
      c.subscribe(topic + "/x", 1);
      pub.publish(topic + "/x", "marker", 1, false);
      assertThat(payloads(untilMarker(c.inbox, "marker")))
          .as("1: not sent when the subscription existed")
          .containsExactly("marker");

      String other = topic + "/other";
      pub.publish(other, "kept-too", 1, true);
      c.subscribe(withRetainHandling(other, 2), null);
      pub.publish(topic + "/x", "marker2", 1, false);
      assertThat(payloads(untilMarker(c.inbox, "marker2")))
          .as("2: never sent")
          .containsExactly("marker2");
      String third = topic + "/third";
      pub.publish(third, "kept-three", 1, true);
      c.subscribe(withRetainHandling(third, 1), null);
      assertThat(c.inbox.next(WAIT).payload())
          .as("1: sent for a new subscription")
          .isEqualTo("kept-three");
      pub.publish(topic, "", 1, true).publish(other, "", 1, true).publish(third, "", 1, true);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void subscriptionIdentifiersComeBackWithEachMatch(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String base = Brokers.unique("v5subid");
    try (V5Client c =
            V5Client.connect(
                broker, Brokers.unique("v5sid"), o -> o.setUseSubscriptionIdentifiers(true));
        V5Client pub = V5Client.connect(broker, Brokers.unique("v5pub"), true)) {
      c.subscribe(new MqttSubscription(base + "/+", 1), 7);
      c.subscribe(new MqttSubscription(base + "/#", 1), 300);
      c.subscribe(new MqttSubscription(base + "/only", 1), null);
      pub.publish(base + "/a/b", "deep", 1, false);
      Received deep = c.inbox.next(WAIT);
      assertThat(deep.v5().subscriptionIdentifiers()).containsExactly(300);
      pub.publish(base + "/t", "both", 1, false);
      pub.publish(base + "/t", "marker", 1, false);
      // MQTT 5 §3.3.4: one copy carrying both identifiers, or one copy per subscription.
      Set<Integer> ids = new HashSet<>();
      for (Received r : untilMarker(c.inbox, "marker")) {
        if (r.payload().equals("both")) {
          ids.addAll(r.v5().subscriptionIdentifiers());
        }
      }
      assertThat(ids).containsExactlyInAnyOrder(7, 300);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void userPropertiesResponseTopicCorrelationAndContentTypeAreForwarded(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String base = Brokers.unique("v5props");
    try (V5Client responder = V5Client.connect(broker, Brokers.unique("v5resp"), true);
        V5Client requester = V5Client.connect(broker, Brokers.unique("v5req"), true)) {
      responder.subscribe(base + "/request", 1);
      requester.subscribe(base + "/reply", 1);
      MqttProperties request = new MqttProperties();
      request.setUserProperties(
          List.of(new UserProperty("trace", "abc"), new UserProperty("unit", "°C")));
      request.setResponseTopic(base + "/reply");
      request.setCorrelationData(new byte[] {1, 2, 3, (byte) 0xFF});
      request.setContentType("text/plain");
      requester.publish(base + "/request", "ping", 1, false, request);

      Received got = responder.inbox.next(WAIT);
      assertThat(got.v5().userProperties())
          .containsEntry("trace", "abc")
          .containsEntry("unit", "°C");
      assertThat(got.v5().responseTopic()).isEqualTo(base + "/reply");
      assertThat(got.v5().correlationData()).containsExactly(1, 2, 3, 0xFF);
      assertThat(got.v5().contentType()).isEqualTo("text/plain");

      MqttProperties reply = new MqttProperties();
      reply.setCorrelationData(got.v5().correlationData());
      responder.publish(got.v5().responseTopic(), "pong", 1, false, reply);
      Received answer = requester.inbox.next(WAIT);
      assertThat(answer.payload()).isEqualTo("pong");
      assertThat(answer.v5().correlationData()).containsExactly(1, 2, 3, 0xFF);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void expiredMessagesAreNotDeliveredAndTheRestCarryTheRemainingInterval(Kind kind)
      throws InterruptedException {
    BrokerUnderTest broker = broker(kind);
    String id = Brokers.unique("v5expiry");
    String topic = Brokers.unique("v5") + "/expiry";
    try (V5Client first = V5Client.connect(broker, id, o -> persistent(o, true))) {
      first.subscribe(topic, 1);
    }
    try (V5Client pub = V5Client.connect(broker, Brokers.unique("v5pub"), true)) {
      MqttProperties shortLived = new MqttProperties();
      shortLived.setMessageExpiryInterval(1L);
      pub.publish(topic, "short", 1, false, shortLived);
      MqttProperties longLived = new MqttProperties();
      longLived.setMessageExpiryInterval(3600L);
      pub.publish(topic, "long", 1, false, longLived);
    }
    // Let the one-second message expire while the subscriber is offline (behaviour, not timing:
    // any wait longer than the interval gives the same outcome).
    Thread.sleep(2_100);
    try (V5Client again = V5Client.connect(broker, id, o -> persistent(o, false))) {
      Received got = again.inbox.next(WAIT);
      assertThat(got.payload()).isEqualTo("long");
      assertThat(got.v5().messageExpiryInterval()).isBetween(1L, 3599L);
      again.publish(topic, "marker", 1, false);
      assertThat(payloads(untilMarker(again.inbox, "marker"))).containsExactly("marker");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void willDelayIsCancelledByReconnectAndOtherwiseFires(Kind kind) throws InterruptedException {
    BrokerUnderTest broker = broker(kind);
    String willTopic = Brokers.unique("v5") + "/will";
    String id = Brokers.unique("v5willer");
    try (V5Client watcher = V5Client.connect(broker, Brokers.unique("v5watch"), true)) {
      watcher.subscribe(willTopic, 1);

      V5Client first = V5Client.connect(broker, id, o -> withWill(o, willTopic, "cancelled", 30));
      first.kill();
      first.close();
      // Reconnecting within the delay (30 s) cancels the will (MQTT 5 §3.1.3.2.2).
      try (V5Client back = V5Client.connect(broker, id, o -> withWill(o, willTopic, "no", 30))) {
        back.disconnect(0);
      }
      V5Client second = V5Client.connect(broker, id, o -> withWill(o, willTopic, "fired", 1));
      second.kill();
      second.close();
      Received will = watcher.inbox.next(WAIT);
      assertThat(will.payload()).isEqualTo("fired");

      V5Client third =
          V5Client.connect(
              broker, Brokers.unique("v5willer"), o -> withWill(o, willTopic, "asked-for", 0));
      third.disconnect(DISCONNECT_WITH_WILL);
      third.close();
      assertThat(watcher.inbox.next(WAIT).payload()).isEqualTo("asked-for");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void clientMaximumPacketSizeIsRespectedByTheBroker(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v5") + "/maxpacket";
    try (V5Client small =
            V5Client.connect(
                broker,
                Brokers.unique("v5small"),
                o -> {
                  o.setCleanStart(true);
                  o.setMaximumPacketSize(200L);
                });
        V5Client pub = V5Client.connect(broker, Brokers.unique("v5pub"), true)) {
      small.subscribe(topic, 1);
      pub.publish(topic, "x".repeat(500), 1, false);
      pub.publish(topic, "marker", 1, false);
      // MQTT 5 §3.1.2.11.4: a packet over the client's maximum is discarded, not sent.
      assertThat(payloads(untilMarker(small.inbox, "marker"))).containsExactly("marker");
      assertThat(small.isConnected()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void noTopicAliasesAreSentToAClientThatDidNotAllowThem(Kind kind) {
    // Paho 1.2.5 cannot resolve aliases the broker sends (eclipse-paho/paho.mqtt.java#866), so
    // alias delivery is proven by HiveMqClientTest and ScriptedFeaturesTest; here the broker must
    // keep the full topic for a client whose Topic Alias Maximum is the default 0.
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v5") + "/a/rather/long/topic/name/for/aliasing";
    try (V5Client sub = V5Client.connect(broker, Brokers.unique("v5noalias"), true);
        V5Client pub = V5Client.connect(broker, Brokers.unique("v5pub"), true)) {
      sub.subscribe(topic, 1);
      for (int i = 0; i < 3; i++) {
        pub.publish(topic, "alias-" + i, 1, false);
      }
      assertThat(sub.inbox.next(3, WAIT))
          .extracting(Received::topic, Received::payload)
          .containsExactly(
              tuple(topic, "alias-0"), tuple(topic, "alias-1"), tuple(topic, "alias-2"));
    }
  }

  private static MqttSubscription withRetainHandling(String filter, int retainHandling) {
    MqttSubscription s = new MqttSubscription(filter, 1);
    s.setRetainHandling(retainHandling);
    return s;
  }

  private static void persistent(
      org.eclipse.paho.mqttv5.client.MqttConnectionOptions o, boolean cleanStart) {
    o.setCleanStart(cleanStart);
    o.setSessionExpiryInterval(300L);
  }

  private static void withWill(
      org.eclipse.paho.mqttv5.client.MqttConnectionOptions o,
      String topic,
      String payload,
      long delaySeconds) {
    o.setCleanStart(false);
    o.setSessionExpiryInterval(60L);
    MqttProperties willProps = new MqttProperties();
    willProps.setWillDelayInterval(delaySeconds);
    o.setWillMessageProperties(willProps);
    o.setWill(
        topic,
        new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false, new MqttProperties()));
  }
}
