package dev.mqttls.broker;

import static dev.mqttls.broker.TestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.TopicName;
import dev.mqttls.codec.Unsuback;
import dev.mqttls.codec.Unsubscribe;
import dev.mqttls.codec.Will;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The broker over real loopback TCP, driven packet by packet with our codec. */
class BrokerProtocolTest {
  static Broker broker;
  static InetSocketAddress addr;

  @BeforeAll
  static void start() {
    broker =
        Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").maxQueuedMessages(5).build());
    addr = broker.address(0);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  private static Publish publish(String topic, String payload, int qos, int id, MqttProperties p) {
    return new Publish(
        false,
        Qos.of(qos),
        false,
        topic,
        qos == 0 ? 0 : id,
        p,
        Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
  }

  @Test
  void qos0_1_2_deliveredInOrder_v311() throws Exception {
    try (TestClient sub = TestClient.connect(addr, MqttVersion.V3_1_1, "q-sub");
        TestClient pub = TestClient.connect(addr, MqttVersion.V3_1_1, "q-pub")) {
      assertThat(sub.subscribe(1, "q/#", 2).reasonCodes())
          .containsExactly(ReasonCode.GRANTED_QOS_2);
      pub.publish("q/0", "zero", 0, 0, false);
      pub.publish("q/1", "one", 1, 7, false);
      assertThat(pub.expect(Puback.class).packetId()).isEqualTo(7);
      pub.publish("q/2", "two", 2, 8, false);
      assertThat(pub.expect(Pubrec.class).packetId()).isEqualTo(8);
      pub.send(new Pubrel(8));
      assertThat(pub.expect(Pubcomp.class).packetId()).isEqualTo(8);

      Publish p0 = sub.expect(Publish.class);
      assertThat(p0.topic()).isEqualTo("q/0");
      assertThat(p0.qos()).isEqualTo(Qos.AT_MOST_ONCE);
      Publish p1 = sub.expect(Publish.class);
      assertThat(text(p1)).isEqualTo("one");
      assertThat(p1.qos()).isEqualTo(Qos.AT_LEAST_ONCE);
      sub.send(new Puback(p1.packetId()));
      Publish p2 = sub.expect(Publish.class);
      assertThat(text(p2)).isEqualTo("two");
      assertThat(p2.qos()).isEqualTo(Qos.EXACTLY_ONCE);
      sub.send(new Pubrec(p2.packetId()));
      assertThat(sub.expect(Pubrel.class).packetId()).isEqualTo(p2.packetId());
      sub.send(new Pubcomp(p2.packetId()));
    }
  }

  @Test
  void qos2_resentPublish_isRoutedOnce() throws Exception {
    try (TestClient sub = TestClient.connect(addr, MqttVersion.V5, "q2-sub");
        TestClient pub = TestClient.connect(addr, MqttVersion.V5, "q2-pub")) {
      sub.subscribe(1, "q2/x", 0);
      pub.send(publish("q2/x", "once", 2, 3, MqttProperties.EMPTY));
      pub.expect(Pubrec.class);
      pub.send(
          new Publish(
              true,
              Qos.EXACTLY_ONCE,
              false,
              "q2/x",
              3,
              MqttProperties.EMPTY,
              Unpooled.copiedBuffer("once", StandardCharsets.UTF_8)));
      pub.expect(Pubrec.class);
      pub.send(new Pubrel(3));
      pub.expect(Pubcomp.class);
      assertThat(text(sub.expect(Publish.class))).isEqualTo("once");
      assertThat(sub.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void subscriberQosCapsDelivery_andNoMatchingSubscribersReported_v5() throws Exception {
    try (TestClient sub = TestClient.connect(addr, MqttVersion.V5, "cap-sub");
        TestClient pub = TestClient.connect(addr, MqttVersion.V5, "cap-pub")) {
      sub.subscribe(1, "cap/+", 0);
      pub.send(publish("cap/a", "x", 1, 1, MqttProperties.EMPTY));
      assertThat(pub.expect(Puback.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
      assertThat(sub.expect(Publish.class).qos()).isEqualTo(Qos.AT_MOST_ONCE);
      pub.send(publish("nobody/listens", "x", 1, 2, MqttProperties.EMPTY));
      assertThat(pub.expect(Puback.class).reasonCode())
          .isEqualTo(ReasonCode.NO_MATCHING_SUBSCRIBERS);
    }
  }

  @Test
  void dollarTopics_notMatchedByTopLevelWildcards() throws Exception {
    try (TestClient sub = TestClient.connect(addr, MqttVersion.V3_1_1, "dollar-sub");
        TestClient pub = TestClient.connect(addr, MqttVersion.V3_1_1, "dollar-pub")) {
      sub.subscribe(2, "+/info", 0);
      sub.subscribe(3, "$app/info", 0);
      // retained messages other tests left behind arrive first; none may be a '$' topic
      sub.subscribe(1, "#", 0);
      pub.publish("$app/info", "d", 0, 0, false);
      Publish p = sub.expect(Publish.class);
      for (int i = 0; i < 50 && p.retainFlag(); i++) {
        assertThat(p.topic()).doesNotStartWith("$");
        p = sub.expect(Publish.class);
      }
      assertThat(p.topic()).isEqualTo("$app/info");
      assertThat(sub.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void retained_setReplaceClear() throws Exception {
    try (TestClient pub = TestClient.connect(addr, MqttVersion.V3_1_1, "ret-pub")) {
      pub.publish("ret/a", "first", 1, 1, true);
      pub.expect(Puback.class);
      pub.publish("ret/a", "second", 1, 2, true);
      pub.expect(Puback.class);
      try (TestClient sub = TestClient.connect(addr, MqttVersion.V3_1_1, "ret-sub1")) {
        sub.subscribe(1, "ret/#", 1);
        Publish p = sub.expect(Publish.class);
        assertThat(text(p)).isEqualTo("second");
        assertThat(p.retainFlag()).isTrue();
        sub.send(new Puback(p.packetId()));
        // A live delivery carries RETAIN 0 in 3.1.1 (section 3.3.1.3).
        pub.publish("ret/a", "live", 0, 0, true);
        Publish live = sub.expect(Publish.class);
        assertThat(live.retainFlag()).isFalse();
      }
      pub.publish("ret/a", "", 0, 0, true);
      pub.send(new dev.mqttls.codec.Pingreq());
      pub.expect(dev.mqttls.codec.Pingresp.class);
      try (TestClient sub = TestClient.connect(addr, MqttVersion.V3_1_1, "ret-sub2")) {
        sub.subscribe(1, "ret/#", 1);
        assertThat(sub.silentFor(Duration.ofMillis(300))).isTrue();
      }
    }
  }

  @Test
  void retainHandling_andRetainAsPublished_v5() throws Exception {
    try (TestClient pub = TestClient.connect(addr, MqttVersion.V5, "rh-pub");
        TestClient sub = TestClient.connect(addr, MqttVersion.V5, "rh-sub")) {
      pub.send(
          new Publish(
              false,
              Qos.AT_LEAST_ONCE,
              true,
              "rh/t",
              1,
              MqttProperties.EMPTY,
              Unpooled.copiedBuffer("kept", StandardCharsets.UTF_8)));
      pub.expect(Puback.class);
      // Retain Handling 2: no retained message on subscribe.
      sub.send(sub(1, "rh/t", 0, false, true, 2, 0));
      sub.expect(Suback.class);
      assertThat(sub.silentFor(Duration.ofMillis(300))).isTrue();
      // Retain Handling 1 on an existing subscription: still nothing.
      sub.send(sub(2, "rh/t", 0, false, true, 1, 0));
      sub.expect(Suback.class);
      assertThat(sub.silentFor(Duration.ofMillis(300))).isTrue();
      // Retain As Published keeps the flag on a live message.
      pub.send(
          new Publish(
              false,
              Qos.AT_MOST_ONCE,
              true,
              "rh/t",
              0,
              MqttProperties.EMPTY,
              Unpooled.copiedBuffer("new", StandardCharsets.UTF_8)));
      assertThat(sub.expect(Publish.class).retainFlag()).isTrue();
      pub.send(publish("rh/t", "", 0, 0, MqttProperties.EMPTY));
      sub.expect(Publish.class);
      clearRetained(pub, "rh/t");
    }
  }

  private static void clearRetained(TestClient c, String topic) throws Exception {
    c.send(
        new Publish(
            false, Qos.AT_MOST_ONCE, true, topic, 0, MqttProperties.EMPTY, Unpooled.EMPTY_BUFFER));
  }

  private static Subscribe sub(
      int id, String filter, int qos, boolean noLocal, boolean rap, int rh, int subscriptionId) {
    MqttProperties props =
        subscriptionId == 0
            ? MqttProperties.EMPTY
            : MqttProperties.builder().subscriptionIdentifiers(List.of(subscriptionId)).build();
    return new Subscribe(
        id,
        List.of(new Subscription(TopicFilter.of(filter), Qos.of(qos), noLocal, rap, rh)),
        props);
  }

  @Test
  void noLocal_andSubscriptionIdentifiers_v5() throws Exception {
    try (TestClient c = TestClient.connect(addr, MqttVersion.V5, "nl-c")) {
      c.send(sub(1, "nl/#", 1, true, false, 0, 0));
      c.expect(Suback.class);
      c.send(publish("nl/a", "mine", 0, 0, MqttProperties.EMPTY));
      assertThat(c.silentFor(Duration.ofMillis(300))).isTrue();
    }
    try (TestClient s = TestClient.connect(addr, MqttVersion.V5, "sid-s");
        TestClient p = TestClient.connect(addr, MqttVersion.V5, "sid-p")) {
      s.send(sub(1, "sid/#", 1, false, false, 0, 11));
      s.expect(Suback.class);
      s.send(sub(2, "sid/+", 0, false, false, 0, 22));
      s.expect(Suback.class);
      p.send(publish("sid/x", "both", 1, 5, MqttProperties.EMPTY));
      Publish got = s.expect(Publish.class);
      // Overlapping subscriptions: one copy, highest QoS, every identifier.
      assertThat(got.qos()).isEqualTo(Qos.AT_LEAST_ONCE);
      assertThat(got.properties().subscriptionIdentifiers()).containsExactlyInAnyOrder(11, 22);
      s.send(new Puback(got.packetId()));
      assertThat(s.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void unsubscribe_reportsWhetherItExisted() throws Exception {
    try (TestClient c = TestClient.connect(addr, MqttVersion.V5, "unsub-c")) {
      c.subscribe(1, "u/a", 0);
      c.send(
          new Unsubscribe(
              2, List.of(TopicFilter.of("u/a"), TopicFilter.of("u/b")), MqttProperties.EMPTY));
      assertThat(c.expect(Unsuback.class).reasonCodes())
          .containsExactly(ReasonCode.SUCCESS, ReasonCode.NO_SUBSCRIPTION_EXISTED);
      c.send(publish("u/a", "x", 0, 0, MqttProperties.EMPTY));
      assertThat(c.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void sharedSubscription_eachMessageToOneMember() throws Exception {
    try (TestClient a = TestClient.connect(addr, MqttVersion.V5, "sh-a");
        TestClient b = TestClient.connect(addr, MqttVersion.V5, "sh-b");
        TestClient p = TestClient.connect(addr, MqttVersion.V5, "sh-p")) {
      a.subscribe(1, "$share/g/sh/#", 0);
      b.subscribe(1, "$share/g/sh/#", 0);
      for (int i = 0; i < 10; i++) {
        p.send(publish("sh/t", "m" + i, 0, 0, MqttProperties.EMPTY));
      }
      Set<String> seen = new HashSet<>();
      int fromA = drain(a, seen);
      int fromB = drain(b, seen);
      assertThat(fromA + fromB).isEqualTo(10);
      assertThat(seen).hasSize(10);
      assertThat(fromA).isPositive();
      assertThat(fromB).isPositive();
    }
  }

  private static int drain(TestClient c, Set<String> seen) throws Exception {
    int n = 0;
    for (int i = 0; i < 20; i++) {
      MqttPacket p;
      try {
        p = c.receive(Duration.ofMillis(400));
      } catch (java.net.SocketTimeoutException e) {
        break;
      }
      if (p instanceof Publish pub) {
        assertThat(seen.add(text(pub))).isTrue();
        n++;
      }
    }
    return n;
  }

  @Test
  void persistentSession_queuesWhileOffline_andResendsUnackedWithDup() throws Exception {
    Connect persistent =
        new Connect(
            MqttVersion.V5,
            "ps-sub",
            false,
            60,
            null,
            null,
            null,
            MqttProperties.builder().sessionExpiryInterval(300L).build());
    try (TestClient s = TestClient.open(addr, MqttVersion.V5)) {
      assertThat(s.connect(persistent).sessionPresent()).isFalse();
      s.subscribe(1, "ps/#", 1);
      try (TestClient p = TestClient.connect(addr, MqttVersion.V5, "ps-pub")) {
        p.send(publish("ps/a", "unacked", 1, 1, MqttProperties.EMPTY));
        p.expect(Puback.class);
      }
      Publish first = s.expect(Publish.class);
      assertThat(text(first)).isEqualTo("unacked");
      // no PUBACK: leave with it in flight (and wait until the broker knows we left)
      s.send(new Disconnect());
      assertThat(s.awaitClose()).isNull();
    }
    try (TestClient p = TestClient.connect(addr, MqttVersion.V5, "ps-pub2")) {
      for (int i = 0; i < 8; i++) {
        p.send(publish("ps/a", "offline" + i, 1, i + 1, MqttProperties.EMPTY));
        p.expect(Puback.class);
      }
    }
    try (TestClient s = TestClient.open(addr, MqttVersion.V5)) {
      assertThat(s.connect(persistent).sessionPresent()).isTrue();
      Publish again = s.expect(Publish.class);
      assertThat(text(again)).isEqualTo("unacked");
      assertThat(again.dup()).isTrue();
      s.send(new Puback(again.packetId()));
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Publish q = s.expect(Publish.class);
        got.add(text(q));
        s.send(new Puback(q.packetId()));
      }
      // max_queued_messages 5: the first five queued, the rest dropped
      assertThat(got).containsExactly("offline0", "offline1", "offline2", "offline3", "offline4");
      assertThat(s.silentFor(Duration.ofMillis(300))).isTrue();
      s.send(
          new Disconnect(
              ReasonCode.NORMAL_DISCONNECTION,
              MqttProperties.builder().sessionExpiryInterval(0L).build()));
    }
  }

  @Test
  void cleanSession311_persistentSessionSurvivesReconnect() throws Exception {
    Connect c = new Connect(MqttVersion.V3_1_1, "cs-sub", false, 60);
    try (TestClient s = TestClient.open(addr, MqttVersion.V3_1_1)) {
      s.connect(c);
      s.subscribe(1, "cs/t", 1);
    }
    try (TestClient p = TestClient.connect(addr, MqttVersion.V3_1_1, "cs-pub")) {
      p.publish("cs/t", "while away", 1, 1, false);
      p.expect(Puback.class);
    }
    try (TestClient s = TestClient.open(addr, MqttVersion.V3_1_1)) {
      assertThat(s.connect(c).sessionPresent()).isTrue();
      assertThat(text(s.expect(Publish.class))).isEqualTo("while away");
    }
    try (TestClient s = TestClient.open(addr, MqttVersion.V3_1_1)) {
      assertThat(s.connect(new Connect(MqttVersion.V3_1_1, "cs-sub", true, 60)).sessionPresent())
          .isFalse();
    }
  }

  @Test
  void takeover_oldConnectionGetsSessionTakenOver() throws Exception {
    try (TestClient first = TestClient.connect(addr, MqttVersion.V5, "dup-id");
        TestClient second = TestClient.connect(addr, MqttVersion.V5, "dup-id")) {
      MqttPacket last = first.awaitClose();
      assertThat(last).isInstanceOf(Disconnect.class);
      assertThat(((Disconnect) last).reasonCode()).isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
      second.send(new dev.mqttls.codec.Pingreq());
      assertThat(second.receive()).isInstanceOf(dev.mqttls.codec.Pingresp.class);
    }
  }

  @Test
  void emptyClientId_assignedInV5_refusedIn311WithoutCleanSession() throws Exception {
    try (TestClient c = TestClient.open(addr, MqttVersion.V5)) {
      Connack ack = c.connect(new Connect(MqttVersion.V5, "", true, 60));
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
      assertThat(ack.properties().assignedClientIdentifier()).isNotEmpty();
    }
    try (TestClient c = TestClient.open(addr, MqttVersion.V3_1_1)) {
      Connack ack = c.connect(new Connect(MqttVersion.V3_1_1, "", false, 60));
      assertThat(ack.reasonCode()).isEqualTo(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
      assertThat(c.awaitClose()).isNull();
    }
  }

  @Test
  void will_publishedOnAbnormalClose_notOnNormalDisconnect() throws Exception {
    try (TestClient watcher = TestClient.connect(addr, MqttVersion.V3_1_1, "will-watch")) {
      watcher.subscribe(1, "will/#", 1);
      Will w =
          new Will(
              TopicName.of("will/a"),
              "gone".getBytes(StandardCharsets.UTF_8),
              Qos.AT_LEAST_ONCE,
              false,
              MqttProperties.EMPTY);
      TestClient dying = TestClient.open(addr, MqttVersion.V3_1_1);
      dying.connect(
          new Connect(MqttVersion.V3_1_1, "will-a", true, 60, null, null, w, MqttProperties.EMPTY));
      dying.close(); // no DISCONNECT
      Publish p = watcher.expect(Publish.class);
      assertThat(text(p)).isEqualTo("gone");
      watcher.send(new Puback(p.packetId()));

      try (TestClient polite = TestClient.open(addr, MqttVersion.V3_1_1)) {
        polite.connect(
            new Connect(
                MqttVersion.V3_1_1, "will-b", true, 60, null, null, w, MqttProperties.EMPTY));
        polite.send(new Disconnect());
        assertThat(polite.awaitClose()).isNull();
      }
      assertThat(watcher.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void willDelay_cancelledWhenClientReturns_v5() throws Exception {
    try (TestClient watcher = TestClient.connect(addr, MqttVersion.V5, "wd-watch")) {
      watcher.subscribe(1, "wd/#", 0);
      Will w =
          new Will(
              TopicName.of("wd/a"),
              "late".getBytes(StandardCharsets.UTF_8),
              Qos.AT_MOST_ONCE,
              false,
              MqttProperties.builder().willDelayInterval(1L).build());
      Connect c =
          new Connect(
              MqttVersion.V5,
              "wd-a",
              false,
              60,
              null,
              null,
              w,
              MqttProperties.builder().sessionExpiryInterval(60L).build());
      TestClient.open(addr, MqttVersion.V5).connectAndDrop(c);
      // returns within the delay: no will
      try (TestClient back = TestClient.open(addr, MqttVersion.V5)) {
        back.connect(
            new Connect(
                MqttVersion.V5,
                "wd-a",
                false,
                60,
                null,
                null,
                null,
                MqttProperties.builder().sessionExpiryInterval(60L).build()));
        assertThat(watcher.silentFor(Duration.ofMillis(1600))).isTrue();
        back.send(new Disconnect());
      }
      TestClient.open(addr, MqttVersion.V5).connectAndDrop(c);
      Publish p = watcher.expect(Publish.class);
      assertThat(text(p)).isEqualTo("late");
    }
  }

  @Test
  void topicAliases_bothWays_v5() throws Exception {
    Connect c =
        new Connect(
            MqttVersion.V5,
            "ta-sub",
            true,
            60,
            null,
            null,
            null,
            MqttProperties.builder().topicAliasMaximum(5).build());
    try (TestClient s = TestClient.open(addr, MqttVersion.V5);
        TestClient p = TestClient.connect(addr, MqttVersion.V5, "ta-pub")) {
      s.connect(c);
      s.subscribe(1, "ta/#", 0);
      p.send(publish("ta/long/topic", "1", 0, 0, MqttProperties.builder().topicAlias(3).build()));
      p.send(publish("", "2", 0, 0, MqttProperties.builder().topicAlias(3).build()));
      Publish first = s.expect(Publish.class);
      Publish second = s.expect(Publish.class);
      assertThat(first.topic()).isEqualTo("ta/long/topic");
      int alias = first.properties().topicAlias();
      assertThat(second.topic()).isEmpty();
      assertThat(second.properties().topicAlias()).isEqualTo(alias);
      assertThat(text(second)).isEqualTo("2");
      // an alias never set is a protocol error
      p.send(publish("", "3", 0, 0, MqttProperties.builder().topicAlias(4).build()));
      MqttPacket last = p.awaitClose();
      assertThat(((Disconnect) last).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    }
  }

  /** Bounded: waits up to 5 s for the broker to see every test connection closed. */
  private static void awaitNoConnections() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (broker.connectionCount() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(broker.connectionCount()).isZero();
  }

  @Test
  void messageExpiry_expiredMessagesNotDelivered_remainingIntervalSent() throws Exception {
    Connect persistent =
        new Connect(
            MqttVersion.V5,
            "exp-sub",
            false,
            60,
            null,
            null,
            null,
            MqttProperties.builder().sessionExpiryInterval(60L).build());
    try (TestClient s = TestClient.open(addr, MqttVersion.V5)) {
      s.connect(persistent);
      s.subscribe(1, "exp/#", 1);
    }
    // The session must be offline before the publish, or the message goes in flight to the
    // closing connection instead of into the queue where it can expire.
    awaitNoConnections();
    try (TestClient p = TestClient.connect(addr, MqttVersion.V5, "exp-pub")) {
      p.send(
          publish(
              "exp/a", "short", 1, 1, MqttProperties.builder().messageExpiryInterval(1L).build()));
      p.expect(Puback.class);
      p.send(
          publish(
              "exp/a", "long", 1, 2, MqttProperties.builder().messageExpiryInterval(100L).build()));
      p.expect(Puback.class);
    }
    Thread.sleep(1500);
    try (TestClient s = TestClient.open(addr, MqttVersion.V5)) {
      s.connect(new Connect(MqttVersion.V5, "exp-sub", true, 60));
      // clean start discards the queue; reconnect persistently to test
    }
    try (TestClient s = TestClient.open(addr, MqttVersion.V5)) {
      s.connect(persistent);
      s.subscribe(1, "exp/#", 1);
    }
    // The session must be offline before the publish, or the message goes in flight to the
    // closing connection instead of into the queue where it can expire.
    awaitNoConnections();
    try (TestClient p = TestClient.connect(addr, MqttVersion.V5, "exp-pub")) {
      p.send(
          publish(
              "exp/a", "short", 1, 1, MqttProperties.builder().messageExpiryInterval(1L).build()));
      p.expect(Puback.class);
      p.send(
          publish(
              "exp/a", "long", 1, 2, MqttProperties.builder().messageExpiryInterval(100L).build()));
      p.expect(Puback.class);
    }
    Thread.sleep(1500);
    try (TestClient s = TestClient.open(addr, MqttVersion.V5)) {
      s.connect(persistent);
      Publish p = s.expect(Publish.class);
      assertThat(text(p)).isEqualTo("long");
      assertThat(p.properties().messageExpiryInterval()).isBetween(1L, 99L);
      s.send(new Puback(p.packetId()));
      assertThat(s.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void malformedPacket_closesOnlyThatConnection_withReason_v5() throws Exception {
    try (TestClient watcher = TestClient.connect(addr, MqttVersion.V5, "mal-watch");
        TestClient pub = TestClient.connect(addr, MqttVersion.V5, "mal-pub")) {
      watcher.subscribe(1, "mal/#", 0);
      try (TestClient bad = TestClient.connect(addr, MqttVersion.V5, "mal-bad")) {
        // PUBLISH QoS 3: fixed header 0x36
        bad.sendRaw(new byte[] {0x36, 0x05, 0x00, 0x01, 'a', 0x00, 0x01});
        MqttPacket last = bad.awaitClose();
        assertThat(last).isInstanceOf(Disconnect.class);
        assertThat(((Disconnect) last).reasonCode()).isEqualTo(ReasonCode.MALFORMED_PACKET);
      }
      try (TestClient bad = TestClient.connect(addr, MqttVersion.V5, "mal-bad2")) {
        bad.send(new Connect(MqttVersion.V5, "again", true, 60));
        MqttPacket last = bad.awaitClose();
        assertThat(((Disconnect) last).reasonCode()).isEqualTo(ReasonCode.PROTOCOL_ERROR);
      }
      pub.send(publish("mal/ok", "still here", 0, 0, MqttProperties.EMPTY));
      assertThat(text(watcher.expect(Publish.class))).isEqualTo("still here");
    }
  }

  @Test
  void firstPacketNotConnect_closed() throws Exception {
    try (TestClient c = TestClient.open(addr, MqttVersion.V3_1_1)) {
      c.sendRaw(new byte[] {(byte) 0xC0, 0x00}); // PINGREQ
      assertThat(c.awaitClose()).isNull();
    }
  }

  @Test
  void unknownProtocolLevel_connackUnacceptableVersion() throws Exception {
    try (TestClient c = TestClient.open(addr, MqttVersion.V3_1_1)) {
      // CONNECT "MQTT" level 9
      c.sendRaw(
          new byte[] {
            0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x09, 0x02, 0x00, 0x3c, 0x00, 0x00
          });
      MqttPacket last = c.awaitClose();
      assertThat(last).isInstanceOf(Connack.class);
      assertThat(((Connack) last).reasonCode()).isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
    }
  }

  @Test
  void unknownProtocolNameAtLevel5_mqtt5ConnackUnsupportedProtocolVersion() throws Exception {
    try (TestClient c = TestClient.open(addr, MqttVersion.V5)) {
      // CONNECT "MQTX" level 5, no properties, client id "x"
      c.sendRaw(
          new byte[] {
            0x10, 0x0e, 0x00, 0x04, 'M', 'Q', 'T', 'X', 0x05, 0x02, 0x00, 0x3c, 0x00, 0x00, 0x01,
            'x'
          });
      MqttPacket last = c.awaitClose();
      assertThat(((Connack) last).reasonCode()).isEqualTo(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION);
    }
  }

  @Test
  void pubrelForUnknownId_answeredWithPacketIdentifierNotFound_v5() throws Exception {
    try (TestClient c = TestClient.connect(addr, MqttVersion.V5, "rel-unknown")) {
      c.send(new Pubrel(77));
      Pubcomp comp = c.expect(Pubcomp.class);
      assertThat(comp.packetId()).isEqualTo(77);
      assertThat(comp.reasonCode()).isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
    }
  }

  @Test
  void keepAlive_enforcedAtOneAndAHalfTimes() throws Exception {
    try (TestClient c = TestClient.open(addr, MqttVersion.V5)) {
      c.connect(new Connect(MqttVersion.V5, "ka", true, 1));
      MqttPacket last = c.awaitClose();
      assertThat(((Disconnect) last).reasonCode()).isEqualTo(ReasonCode.KEEP_ALIVE_TIMEOUT);
    }
  }

  @Test
  void mqtt31_MQIsdp_connectsAndExchangesMessages() throws Exception {
    try (TestClient sub = TestClient.connect(addr, MqttVersion.V3_1, "old-sub");
        TestClient pub = TestClient.connect(addr, MqttVersion.V3_1, "old-pub")) {
      sub.subscribe(1, "old/t", 1);
      pub.publish("old/t", "1999", 1, 1, false);
      pub.expect(Puback.class);
      assertThat(text(sub.expect(Publish.class))).isEqualTo("1999");
    }
  }

  @Test
  void maximumPacketSizeOfTheClient_largerMessagesNotSent_v5() throws Exception {
    Connect small =
        new Connect(
            MqttVersion.V5,
            "small-max",
            true,
            60,
            null,
            null,
            null,
            MqttProperties.builder().maximumPacketSize(64L).build());
    try (TestClient s = TestClient.open(addr, MqttVersion.V5);
        TestClient p = TestClient.connect(addr, MqttVersion.V5, "big-pub")) {
      s.connect(small);
      s.subscribe(1, "mps/#", 1);
      p.send(publish("mps/a", "x".repeat(200), 1, 1, MqttProperties.EMPTY));
      p.expect(Puback.class);
      p.send(publish("mps/a", "fits", 1, 2, MqttProperties.EMPTY));
      p.expect(Puback.class);
      Publish got = s.expect(Publish.class);
      assertThat(text(got)).isEqualTo("fits");
    }
  }

  @Test
  void connack_announcesServerLimits_v5() throws Exception {
    try (TestClient c = TestClient.open(addr, MqttVersion.V5)) {
      Connack ack = c.connect(new Connect(MqttVersion.V5, "limits", true, 60));
      assertThat(ack.properties().receiveMaximum()).isEqualTo(20);
      assertThat(ack.properties().topicAliasMaximum()).isPositive();
      assertThat(ack.properties().maximumPacketSize())
          .isEqualTo((long) BrokerConfig.DEFAULT_MAX_PACKET_SIZE);
    }
  }

  @Test
  void v5Properties_forwarded_andInvalidUtf8PayloadRefused() throws Exception {
    try (TestClient s = TestClient.connect(addr, MqttVersion.V5, "props-sub");
        TestClient p = TestClient.connect(addr, MqttVersion.V5, "props-pub")) {
      s.subscribe(1, "props/#", 1);
      MqttProperties props =
          MqttProperties.builder()
              .payloadFormatIndicator(1)
              .contentType("text/plain")
              .responseTopic("props/reply")
              .correlationData(new byte[] {1, 2, 3})
              .userProperty("k", "v")
              .userProperty("k", "w")
              .build();
      p.send(publish("props/a", "héllo", 1, 1, props));
      assertThat(p.expect(Puback.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
      Publish got = s.expect(Publish.class);
      s.send(new Puback(got.packetId()));
      assertThat(text(got)).isEqualTo("héllo");
      assertThat(got.properties().payloadFormatIndicator()).isEqualTo(1);
      assertThat(got.properties().contentType()).isEqualTo("text/plain");
      assertThat(got.properties().responseTopic()).isEqualTo("props/reply");
      assertThat(got.properties().correlationData()).containsExactly(1, 2, 3);
      assertThat(got.properties().userProperties())
          .extracting(u -> u.name() + "=" + u.value())
          .containsExactly("k=v", "k=w");

      p.send(
          new Publish(
              false,
              Qos.AT_LEAST_ONCE,
              false,
              "props/a",
              2,
              MqttProperties.builder().payloadFormatIndicator(1).build(),
              Unpooled.wrappedBuffer(new byte[] {(byte) 0xc3, 0x28})));
      assertThat(p.expect(Puback.class).reasonCode()).isEqualTo(ReasonCode.PAYLOAD_FORMAT_INVALID);
      assertThat(s.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }
}
