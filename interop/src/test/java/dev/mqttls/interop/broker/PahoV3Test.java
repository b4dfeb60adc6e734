package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Eclipse Paho's MQTT 3.1.1 client through the features of a 3.1.1 broker. */
class PahoV3Test extends BothBrokersTest {

  Stream<Arguments> kindAndQos() {
    List<Arguments> out = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (int qos = 0; qos <= 2; qos++) {
        out.add(Arguments.of(kind, qos));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} QoS {1}")
  @MethodSource("kindAndQos")
  void messagesFlowInOrderAtTheirQos(Kind kind, int qos) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v3") + "/flow";
    try (V3Client sub = V3Client.connect(broker, Brokers.unique("v3sub"), true);
        V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
      sub.subscribe(topic, qos);
      for (int i = 0; i < 20; i++) {
        pub.publish(topic, "m" + i, qos, false);
      }
      List<Received> got = sub.inbox.next(20, WAIT);
      assertThat(payloads(got)).containsExactlyElementsOf(numbered("m", 20));
      assertThat(got).allSatisfy(m -> assertThat(m.qos()).isEqualTo(qos));
      assertThat(got).allSatisfy(m -> assertThat(m.retained()).isFalse());
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void deliveryQosIsTheMinimumOfPublishAndSubscription(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String base = Brokers.unique("v3");
    try (V3Client sub = V3Client.connect(broker, Brokers.unique("v3sub"), true);
        V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
      sub.subscribe(base + "/low", 1).subscribe(base + "/high", 2);
      pub.publish(base + "/low", "q2-to-sub1", 2, false);
      pub.publish(base + "/high", "q1-to-sub2", 1, false);
      List<Received> got = sub.inbox.next(2, WAIT);
      assertThat(got)
          .extracting(Received::payload, Received::qos)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("q2-to-sub1", 1),
              org.assertj.core.groups.Tuple.tuple("q1-to-sub2", 1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void retainedMessagesAreSetReplacedAndCleared(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v3") + "/retained";
    try (V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
      pub.publish(topic, "one", 1, true);
      try (V3Client sub = V3Client.connect(broker, Brokers.unique("v3sub"), true)) {
        sub.subscribe(topic, 1);
        Received first = sub.inbox.next(WAIT);
        assertThat(first.payload()).isEqualTo("one");
        assertThat(first.retained()).isTrue();
        // A live message to a subscriber that is already there is not flagged retained.
        pub.publish(topic, "two", 1, true);
        Received live = sub.inbox.next(WAIT);
        assertThat(live.payload()).isEqualTo("two");
        assertThat(live.retained()).isFalse();
      }
      try (V3Client sub = V3Client.connect(broker, Brokers.unique("v3sub"), true)) {
        sub.subscribe(topic, 1);
        Received replaced = sub.inbox.next(WAIT);
        assertThat(replaced.payload()).isEqualTo("two");
        assertThat(replaced.retained()).isTrue();
      }
      pub.publish(topic, "", 1, true);
      try (V3Client sub = V3Client.connect(broker, Brokers.unique("v3sub"), true)) {
        sub.subscribe(topic, 1);
        pub.publish(topic, "marker", 1, false);
        assertThat(payloads(untilMarker(sub.inbox, "marker"))).containsExactly("marker");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void willIsPublishedWhenTheConnectionDropsAndNotAfterDisconnect(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String willTopic = Brokers.unique("v3") + "/will";
    try (V3Client watcher = V3Client.connect(broker, Brokers.unique("v3watch"), true)) {
      watcher.subscribe(willTopic, 1);
      V3Client polite =
          V3Client.connect(
              broker,
              Brokers.unique("v3polite"),
              o -> o.setWill(willTopic, "polite-will".getBytes(), 1, false));
      polite.close();
      V3Client dying =
          V3Client.connect(
              broker,
              Brokers.unique("v3dying"),
              o -> o.setWill(willTopic, "dying-will".getBytes(), 1, true));
      dying.kill();
      dying.close();
      Received will = watcher.inbox.next(WAIT);
      assertThat(will.payload()).isEqualTo("dying-will");
      assertThat(will.qos()).isEqualTo(1);
      // A retained will is stored like any retained message.
      try (V3Client late = V3Client.connect(broker, Brokers.unique("v3late"), true)) {
        late.subscribe(willTopic, 1);
        Received retained = late.inbox.next(WAIT);
        assertThat(retained.payload()).isEqualTo("dying-will");
        assertThat(retained.retained()).isTrue();
      }
      try (V3Client cleaner = V3Client.connect(broker, Brokers.unique("v3clean"), true)) {
        cleaner.publish(willTopic, "", 1, true);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void persistentSessionQueuesWhileOfflineAndCleanSessionForgets(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v3") + "/queued";
    String id = Brokers.unique("v3persistent");
    try (V3Client first = V3Client.connect(broker, id, false)) {
      first.subscribe(topic, 2);
    }
    try (V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
      pub.publish(topic, "q1-a", 1, false);
      pub.publish(topic, "q2-b", 2, false);
      pub.publish(topic, "q1-c", 1, false);
    }
    try (V3Client again = V3Client.connect(broker, id, false)) {
      // No new SUBSCRIBE: the session kept the subscription and the messages.
      // Order is kept per QoS only: Paho hands a QoS 2 message over at PUBREL, after later QoS 1.
      List<Received> queued = again.inbox.next(3, WAIT);
      assertThat(queued)
          .extracting(Received::payload, Received::qos)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("q1-a", 1),
              org.assertj.core.groups.Tuple.tuple("q2-b", 2),
              org.assertj.core.groups.Tuple.tuple("q1-c", 1));
      assertThat(payloads(queued).stream().filter(p -> p.startsWith("q1")))
          .containsExactly("q1-a", "q1-c");
    }
    try (V3Client clean = V3Client.connect(broker, id, true)) {
      clean.subscribe(topic + "/marker", 1);
      try (V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
        pub.publish(topic, "after-clean", 1, false);
        pub.publish(topic + "/marker", "marker", 1, false);
      }
      assertThat(payloads(untilMarker(clean.inbox, "marker"))).containsExactly("marker");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void aSecondConnectionWithTheSameClientIdTakesOver(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String id = Brokers.unique("v3same");
    String topic = Brokers.unique("v3") + "/takeover";
    try (V3Client old = V3Client.connect(broker, id, true)) {
      old.subscribe(topic, 1);
      try (V3Client current = V3Client.connect(broker, id, true)) {
        assertThat(old.awaitConnectionLost(WAIT)).as("old connection closed").isTrue();
        current.subscribe(topic, 1);
        current.publish(topic, "to-current", 1, false);
        assertThat(current.inbox.next(WAIT).payload()).isEqualTo("to-current");
        assertThat(old.inbox.drain()).isEmpty();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void wildcardsMatchByLevelAndNotDollarTopics(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String base = Brokers.unique("v3wild");
    try (V3Client plus = V3Client.connect(broker, Brokers.unique("v3plus"), true);
        V3Client hash = V3Client.connect(broker, Brokers.unique("v3hash"), true);
        V3Client dollar = V3Client.connect(broker, Brokers.unique("v3dollar"), true);
        V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
      plus.subscribe(base + "/+/c", 1).subscribe("+/" + base + "/x", 1);
      hash.subscribe(base + "/#", 1).subscribe("#", 0);
      dollar.subscribe("$" + base + "/#", 1);
      pub.publish(base + "/a/c", "a-c", 1, false);
      pub.publish(base + "/a/b/c", "a-b-c", 1, false);
      pub.publish(base, "parent", 1, false);
      pub.publish("$" + base + "/x", "dollar", 1, false);
      pub.publish(base + "/marker", "marker", 1, false);
      plus.publish(base + "/z/c", "marker", 1, false);

      assertThat(payloads(untilMarker(plus.inbox, "marker"))).containsExactly("a-c", "marker");
      // "#" after base matches the parent level itself (MQTT 3.1.1 §4.7.1.2); the global "#"
      // subscription sees other tests' traffic too, so only this test's topics are compared.
      List<String> viaHash =
          untilMarker(hash.inbox, "marker").stream()
              .filter(m -> m.topic().startsWith(base))
              .map(Received::payload)
              .distinct()
              .toList();
      assertThat(viaHash).containsExactly("a-c", "a-b-c", "parent", "marker");
      assertThat(dollar.inbox.next(WAIT).payload()).isEqualTo("dollar");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void overlappingSubscriptionsDeliverAtTheHighestQos(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String base = Brokers.unique("v3overlap");
    try (V3Client sub = V3Client.connect(broker, Brokers.unique("v3sub"), true);
        V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
      sub.subscribe(base + "/#", 0).subscribe(base + "/+", 2);
      pub.publish(base + "/t", "both", 2, false);
      // Paho hands a QoS 2 message over at PUBREL, so a QoS 0 copy can overtake it: wait for the
      // marker's QoS 2 copy, which the broker completes after the first message's.
      pub.publish(base + "/t", "marker", 2, false);
      List<Received> got = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Received r = sub.inbox.next(WAIT);
        got.add(r);
        if (r.payload().equals("marker") && r.qos() == 2) {
          break;
        }
      }
      List<Received> both = got.stream().filter(m -> m.payload().equals("both")).toList();
      assertThat(both).extracting(Received::qos).contains(2);
      if (kind == Kind.MQTTLS) {
        // MQTT 3.1.1 §3.3.5 allows extra copies (Mosquitto sends them); ours delivers one.
        assertThat(both).hasSize(1);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void offlineQueueIsBoundedByMaxQueuedMessages(Kind kind) {
    try (BrokerUnderTest broker = kind.start("max_queued_messages 5")) {
      String topic = Brokers.unique("v3") + "/bounded";
      String id = Brokers.unique("v3bounded");
      try (V3Client first = V3Client.connect(broker, id, false)) {
        first.subscribe(topic, 1);
      }
      try (V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
        for (int i = 0; i < 50; i++) {
          pub.publish(topic, "n" + i, 1, false);
        }
      }
      try (V3Client again = V3Client.connect(broker, id, false)) {
        again.subscribe(topic + "/marker", 1);
        again.publish(topic + "/marker", "marker", 1, false);
        List<String> got = payloads(untilMarker(again.inbox, "marker"));
        List<String> queued = got.subList(0, got.size() - 1);
        // The oldest messages are kept, in order, and no more than the bound (Mosquitto counts
        // the in-flight window on top of max_queued_messages, so allow that much).
        assertThat(queued).isNotEmpty().hasSizeLessThanOrEqualTo(5 + 20);
        assertThat(queued).isEqualTo(numbered("n", queued.size()));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void mqtt31ClientsExchangeMessagesWith311Clients(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v31") + "/t";
    try (V3Client old =
            V3Client.connect(
                broker,
                Brokers.unique("v31").substring(0, 10),
                o ->
                    o.setMqttVersion(
                        org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1));
        V3Client current = V3Client.connect(broker, Brokers.unique("v311"), true)) {
      old.subscribe(topic + "/to-31", 2);
      current.subscribe(topic + "/to-311", 2);
      current.publish(topic + "/to-31", "hello 3.1", 2, false);
      old.publish(topic + "/to-311", "hello 3.1.1", 1, false);
      assertThat(old.inbox.next(WAIT).payload()).isEqualTo("hello 3.1");
      assertThat(current.inbox.next(WAIT).payload()).isEqualTo("hello 3.1.1");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void unsubscribeStopsDelivery(Kind kind) throws Exception {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("v3unsub") + "/t";
    try (V3Client sub = V3Client.connect(broker, Brokers.unique("v3sub"), true);
        V3Client pub = V3Client.connect(broker, Brokers.unique("v3pub"), true)) {
      sub.subscribe(topic, 1).subscribe(topic + "/marker", 1);
      pub.publish(topic, "while-subscribed", 1, false);
      assertThat(sub.inbox.next(WAIT).payload()).isEqualTo("while-subscribed");
      sub.paho.unsubscribe(topic);
      pub.publish(topic, "after-unsubscribe", 1, false);
      pub.publish(topic + "/marker", "marker", 1, false);
      assertThat(payloads(untilMarker(sub.inbox, "marker"))).containsExactly("marker");
    }
  }

  static List<String> numbered(String prefix, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(prefix + i);
    }
    return out;
  }
}
