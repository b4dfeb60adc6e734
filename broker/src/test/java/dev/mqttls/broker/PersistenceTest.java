package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code persistence true}: what was acknowledged survives a broker stop and start. */
class PersistenceTest {
  @TempDir Path dir;

  private BrokerConfig config() {
    return BrokerConfig.builder()
        .listener(0, "127.0.0.1")
        .persistence(true)
        .persistenceLocation(dir)
        .build();
  }

  private static Connect persistentV5(String id) {
    return new Connect(
        MqttVersion.V5,
        id,
        false,
        60,
        null,
        null,
        null,
        MqttProperties.builder().sessionExpiryInterval(3600L).build());
  }

  private static void disconnect(TestClient c, MqttVersion v) throws Exception {
    c.send(
        v == MqttVersion.V5
            ? new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY)
            : new Disconnect());
    c.awaitClose();
    c.close();
  }

  /** Reads {@code n} PUBLISHes, acknowledging each; returns their payloads. */
  private static List<String> receiveAndAck(TestClient c, int n) throws Exception {
    List<String> got = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Publish p = c.expect(Publish.class);
      got.add(TestClient.text(p));
      c.send(new Puback(p.packetId()));
      p.release();
    }
    return got;
  }

  private static void publishAcked(TestClient pub, String topic, String payload, int id)
      throws Exception {
    pub.publish(topic, payload, 1, id, false);
    assertThat(pub.expect(Puback.class).packetId()).isEqualTo(id);
  }

  @Test
  void persistentSessions_v5And311_keepSubscriptionsAndQueuedQos1_acrossRestart() throws Exception {
    try (Broker broker = Broker.start(config())) {
      TestClient v5 = TestClient.open(broker.address(0), MqttVersion.V5);
      assertThat(v5.connect(persistentV5("p5")).sessionPresent()).isFalse();
      v5.subscribe(1, "persist/five", 1);
      disconnect(v5, MqttVersion.V5);

      TestClient v3 = TestClient.open(broker.address(0), MqttVersion.V3_1_1);
      v3.connect(new Connect(MqttVersion.V3_1_1, "p3", false, 60));
      v3.subscribe(1, "persist/three", 1);
      disconnect(v3, MqttVersion.V3_1_1);

      TestClient clean = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "clean");
      clean.subscribe(1, "persist/#", 1);
      disconnect(clean, MqttVersion.V3_1_1);

      try (TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "pub")) {
        for (int i = 1; i <= 5; i++) {
          publishAcked(pub, "persist/five", "five-" + i, i);
          publishAcked(pub, "persist/three", "three-" + i, 10 + i);
        }
        pub.publish("persist/retained", "kept", 1, 30, true);
        pub.expect(Puback.class);
      }
    }

    try (Broker broker = Broker.start(config())) {
      // The clean session is gone; both persistent ones are back, offline.
      assertThat(broker.sessionCount()).isEqualTo(2);

      TestClient v5 = TestClient.open(broker.address(0), MqttVersion.V5);
      Connack ack5 = v5.connect(persistentV5("p5"));
      assertThat(ack5.sessionPresent()).isTrue();
      assertThat(receiveAndAck(v5, 5))
          .containsExactly("five-1", "five-2", "five-3", "five-4", "five-5");

      TestClient v3 = TestClient.open(broker.address(0), MqttVersion.V3_1_1);
      assertThat(v3.connect(new Connect(MqttVersion.V3_1_1, "p3", false, 60)).sessionPresent())
          .isTrue();
      assertThat(receiveAndAck(v3, 5))
          .containsExactly("three-1", "three-2", "three-3", "three-4", "three-5");

      // The restored subscriptions are live: a new message reaches both.
      try (TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "pub")) {
        publishAcked(pub, "persist/five", "five-6", 1);
        publishAcked(pub, "persist/three", "three-6", 2);
      }
      assertThat(receiveAndAck(v5, 1)).containsExactly("five-6");
      assertThat(receiveAndAck(v3, 1)).containsExactly("three-6");
      disconnect(v5, MqttVersion.V5);
      disconnect(v3, MqttVersion.V3_1_1);

      try (TestClient sub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "r")) {
        sub.subscribe(1, "persist/retained", 1);
        Publish p = sub.expect(Publish.class);
        assertThat(TestClient.text(p)).isEqualTo("kept");
        assertThat(p.retainFlag()).isTrue();
        p.release();
      }
    }

    // Acknowledged messages were deleted: a third start has the sessions but nothing to resend.
    try (Broker broker = Broker.start(config())) {
      assertThat(broker.sessionCount()).isEqualTo(2);
      try (TestClient v5 = TestClient.open(broker.address(0), MqttVersion.V5)) {
        assertThat(v5.connect(persistentV5("p5")).sessionPresent()).isTrue();
        assertThat(v5.silentFor(Duration.ofMillis(500))).isTrue();
      }
    }
  }

  @Test
  void oneMessage_forSeveralOfflineSessions_reachesEachAfterRestart() throws Exception {
    List<String> ids = List.of("fan-a", "fan-b", "fan-c");
    try (Broker broker = Broker.start(config())) {
      for (String id : ids) {
        TestClient c = TestClient.open(broker.address(0), MqttVersion.V3_1_1);
        c.connect(new Connect(MqttVersion.V3_1_1, id, false, 60));
        c.subscribe(1, "persist/fan/+", 1);
        disconnect(c, MqttVersion.V3_1_1);
      }
      try (TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "pub")) {
        publishAcked(pub, "persist/fan/1", "to-all", 1);
      }
    }
    try (Broker broker = Broker.start(config())) {
      for (String id : ids) {
        try (TestClient c = TestClient.open(broker.address(0), MqttVersion.V3_1_1)) {
          assertThat(c.connect(new Connect(MqttVersion.V3_1_1, id, false, 60)).sessionPresent())
              .isTrue();
          assertThat(receiveAndAck(c, 1)).as(id).containsExactly("to-all");
        }
      }
    }
  }

  @Test
  void restoredQueue_longerThanMaxQueuedMessages_keepsTheOldest() throws Exception {
    try (Broker broker = Broker.start(config())) {
      TestClient c = TestClient.open(broker.address(0), MqttVersion.V3_1_1);
      c.connect(new Connect(MqttVersion.V3_1_1, "limited", false, 60));
      c.subscribe(1, "persist/limit", 1);
      disconnect(c, MqttVersion.V3_1_1);
      try (TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "pub")) {
        for (int i = 0; i < 8; i++) {
          publishAcked(pub, "persist/limit", "m" + i, i + 1);
        }
      }
    }
    BrokerConfig smaller = config().toBuilder().maxQueuedMessages(3).build();
    try (Broker broker = Broker.start(smaller)) {
      try (TestClient c = TestClient.open(broker.address(0), MqttVersion.V3_1_1)) {
        assertThat(
                c.connect(new Connect(MqttVersion.V3_1_1, "limited", false, 60)).sessionPresent())
            .isTrue();
        assertThat(receiveAndAck(c, 3)).containsExactly("m0", "m1", "m2");
        assertThat(c.silentFor(Duration.ofMillis(500))).isTrue();
      }
    }
    // What was dropped is gone from the store too.
    try (Broker broker = Broker.start(config())) {
      try (TestClient c = TestClient.open(broker.address(0), MqttVersion.V3_1_1)) {
        c.connect(new Connect(MqttVersion.V3_1_1, "limited", false, 60));
        assertThat(c.silentFor(Duration.ofMillis(500))).isTrue();
      }
    }
  }

  @Test
  void unacknowledgedInFlightMessage_isResentWithDup_afterRestart() throws Exception {
    int packetId;
    try (Broker broker = Broker.start(config())) {
      TestClient sub = TestClient.open(broker.address(0), MqttVersion.V5);
      sub.connect(persistentV5("inflight"));
      sub.subscribe(1, "persist/inflight", 1);
      try (TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V5, "pub")) {
        publishAcked(pub, "persist/inflight", "not-acked", 1);
      }
      Publish p = sub.expect(Publish.class);
      packetId = p.packetId();
      assertThat(TestClient.text(p)).isEqualTo("not-acked");
      p.release();
      sub.close(); // no PUBACK
    }
    try (Broker broker = Broker.start(config());
        TestClient sub = TestClient.open(broker.address(0), MqttVersion.V5)) {
      assertThat(sub.connect(persistentV5("inflight")).sessionPresent()).isTrue();
      Publish p = sub.expect(Publish.class);
      assertThat(TestClient.text(p)).isEqualTo("not-acked");
      assertThat(p.dup()).isTrue();
      assertThat(p.packetId()).isEqualTo(packetId);
      p.release();
    }
  }

  @Test
  void retainedClear_andCleanStart_areStoredToo() throws Exception {
    try (Broker broker = Broker.start(config())) {
      try (TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "pub")) {
        pub.publish("persist/gone", "x", 1, 1, true);
        pub.expect(Puback.class);
        pub.publish("persist/gone", "", 1, 2, true);
        pub.expect(Puback.class);
      }
      TestClient s = TestClient.open(broker.address(0), MqttVersion.V5);
      s.connect(persistentV5("later-clean"));
      s.subscribe(1, "persist/x", 1);
      disconnect(s, MqttVersion.V5);
    }
    try (Broker broker = Broker.start(config())) {
      assertThat(broker.sessionCount()).isEqualTo(1);
      // Clean Start replaces the stored session with a clean one (expiry 0): nothing stays.
      TestClient s = TestClient.open(broker.address(0), MqttVersion.V3_1_1);
      assertThat(s.connect(new Connect(MqttVersion.V3_1_1, "later-clean", true, 60)))
          .extracting(Connack::sessionPresent)
          .isEqualTo(false);
      disconnect(s, MqttVersion.V3_1_1);
      try (TestClient sub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "r")) {
        sub.subscribe(1, "persist/#", 1);
        assertThat(sub.silentFor(Duration.ofMillis(300))).isTrue();
      }
    }
    try (Broker broker = Broker.start(config())) {
      assertThat(broker.sessionCount()).isZero();
    }
  }

  @Test
  void qos2_bothHalvesSurviveRestart_pubrelIsKnown_andTheMessageIsDeliveredOnce() throws Exception {
    try (Broker broker = Broker.start(config())) {
      TestClient sub = TestClient.open(broker.address(0), MqttVersion.V5);
      sub.connect(persistentV5("q2-sub"));
      sub.subscribe(1, "persist/q2", 2);
      disconnect(sub, MqttVersion.V5);
      // The publisher's QoS 2 message is routed and PUBREC'd; its PUBREL comes after the restart.
      try (TestClient pub = TestClient.open(broker.address(0), MqttVersion.V5)) {
        pub.connect(persistentV5("q2-pub"));
        pub.publish("persist/q2", "exactly-once", 2, 7, false);
        Pubrec rec = pub.expect(Pubrec.class);
        assertThat(rec.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
      }
    }
    try (Broker broker = Broker.start(config())) {
      try (TestClient pub = TestClient.open(broker.address(0), MqttVersion.V5)) {
        assertThat(pub.connect(persistentV5("q2-pub")).sessionPresent()).isTrue();
        // A resend of the PUBLISH is recognized as one (not routed again), then PUBREL completes.
        pub.send(
            new Publish(
                true,
                Qos.EXACTLY_ONCE,
                false,
                "persist/q2",
                7,
                MqttProperties.EMPTY,
                Unpooled.copiedBuffer("exactly-once", StandardCharsets.UTF_8)));
        pub.expect(Pubrec.class);
        pub.send(new Pubrel(7));
        assertThat(pub.expect(Pubcomp.class).reasonCode()).isEqualTo(ReasonCode.SUCCESS);
      }
      TestClient sub = TestClient.open(broker.address(0), MqttVersion.V5);
      assertThat(sub.connect(persistentV5("q2-sub")).sessionPresent()).isTrue();
      Publish p = sub.expect(Publish.class);
      assertThat(TestClient.text(p)).isEqualTo("exactly-once");
      int id = p.packetId();
      p.release();
      sub.send(new Pubrec(id));
      sub.expect(Pubrel.class);
      sub.close(); // PUBCOMP not sent: the broker must ask again after a restart
    }
    try (Broker broker = Broker.start(config());
        TestClient sub = TestClient.open(broker.address(0), MqttVersion.V5)) {
      assertThat(sub.connect(persistentV5("q2-sub")).sessionPresent()).isTrue();
      // Only the PUBREL again, never the message a second time.
      Pubrel again = sub.expect(Pubrel.class);
      sub.send(new Pubcomp(again.packetId()));
      assertThat(sub.silentFor(Duration.ofMillis(300))).isTrue();
    }
  }

  @Test
  void sessionExpiry_continuesWhileTheBrokerIsStopped() throws Exception {
    try (Broker broker = Broker.start(config())) {
      for (long expiry : new long[] {1, 3600}) {
        TestClient c = TestClient.open(broker.address(0), MqttVersion.V5);
        c.connect(
            new Connect(
                MqttVersion.V5,
                "expires-" + expiry,
                false,
                60,
                null,
                null,
                null,
                MqttProperties.builder().sessionExpiryInterval(expiry).build()));
        disconnect(c, MqttVersion.V5);
      }
    }
    // Longer than the short session's expiry: it must not come back.
    Thread.sleep(1_500);
    try (Broker broker = Broker.start(config());
        TestClient c = TestClient.open(broker.address(0), MqttVersion.V5)) {
      assertThat(broker.sessionCount()).isEqualTo(1);
      assertThat(c.connect(persistentV5("expires-1")).sessionPresent()).isFalse();
    }
  }

  @Test
  void corruptStore_stopsStartUp_namingTheDirectory() throws Exception {
    Path db = dir.resolve("mqttls.db");
    Files.createDirectories(db);
    Files.writeString(db.resolve("CURRENT"), "MANIFEST-garbage\n");
    assertThatThrownBy(() -> Broker.start(config()))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageStartingWith("persistence: cannot open store " + db);
  }

  @Test
  void unusableLocation_stopsStartUp_namingTheDirectory() throws Exception {
    Path file = dir.resolve("not-a-dir");
    Files.writeString(file, "x");
    BrokerConfig bad =
        BrokerConfig.builder()
            .listener(0, "127.0.0.1")
            .persistence(true)
            .persistenceLocation(file)
            .build();
    assertThatThrownBy(() -> Broker.start(bad))
        .isInstanceOf(BrokerStartException.class)
        .hasMessageContaining(file.resolve("mqttls.db").toString());
  }

  @Test
  void storeInUse_stopsTheSecondBroker_namingTheLock() {
    try (Broker first = Broker.start(config())) {
      assertThatThrownBy(() -> Broker.start(config()))
          .isInstanceOf(BrokerStartException.class)
          .hasMessageContaining(dir.resolve("mqttls.db").toString())
          .hasMessageContaining("lock");
      assertThat(first.connectionCount()).isZero();
    }
  }

  @Test
  void configFile_persistenceDirectives_resolveAgainstTheFile() throws Exception {
    Path conf = dir.resolve("mqttls.conf");
    Files.writeString(
        conf,
        "listener 0 127.0.0.1\npersistence true\npersistence_location data\n"
            + "persistence_file broker.db\n");
    BrokerConfig c = BrokerConfig.parse(conf);
    assertThat(c.persistence()).isTrue();
    assertThat(c.persistenceDirectory()).isEqualTo(dir.resolve("data").resolve("broker.db"));
    Files.writeString(conf, "listener 0 127.0.0.1\npersistence true\n");
    assertThat(BrokerConfig.parse(conf).persistenceDirectory())
        .isEqualTo(dir.toAbsolutePath().resolve("mqttls-data").resolve("mqttls.db"));
    Files.writeString(conf, "listener 0 127.0.0.1\n");
    assertThat(BrokerConfig.parse(conf).persistence()).isFalse();
  }
}
