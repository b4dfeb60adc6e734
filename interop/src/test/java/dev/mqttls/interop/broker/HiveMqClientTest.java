package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient.Mqtt5Publishes;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HiveMQ MQTT client (MQTT 5 and 3.1.1) through the broker's features. */
class HiveMqClientTest extends BothBrokersTest {

  /** A connected HiveMQ MQTT 5 client with its stream of incoming messages. */
  record Client(
      Mqtt5BlockingClient mqtt,
      Mqtt5Publishes publishes,
      Mqtt5ConnAck connack,
      CompletableFuture<Throwable> disconnected)
      implements AutoCloseable {

    static Client connect(
        BrokerUnderTest broker,
        String id,
        UnaryOperator<
                com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder.Send<Mqtt5ConnAck>>
            connect) {
      CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
      Mqtt5BlockingClient mqtt =
          MqttClient.builder()
              .useMqttVersion5()
              .identifier(id)
              .serverHost("127.0.0.1")
              .serverPort(broker.port())
              .addDisconnectedListener(context -> disconnected.complete(context.getCause()))
              .buildBlocking();
      // Subscribe to the stream before CONNECT: a resumed session's messages follow the CONNACK.
      Mqtt5Publishes publishes = mqtt.publishes(MqttGlobalPublishFilter.ALL);
      Mqtt5ConnAck connack = connect.apply(mqtt.connectWith().keepAlive(30)).send();
      return new Client(mqtt, publishes, connack, disconnected);
    }

    Client subscribe(String filter, MqttQos qos) {
      mqtt.subscribeWith().topicFilter(filter).qos(qos).send();
      return this;
    }

    Client publish(String topic, String payload, MqttQos qos, boolean retain) {
      mqtt.publishWith()
          .topic(topic)
          .qos(qos)
          .retain(retain)
          .payload(payload.getBytes(StandardCharsets.UTF_8))
          .send();
      return this;
    }

    Mqtt5Publish next() {
      try {
        Optional<Mqtt5Publish> p = publishes.receive(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return p.orElseThrow(() -> new AssertionError("HiveMQ client received nothing in " + WAIT));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    List<String> untilMarker(String marker) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        String payload = text(next());
        out.add(payload);
        if (payload.equals(marker)) {
          return out;
        }
      }
      throw new AssertionError("no marker in " + out);
    }

    @Override
    public void close() {
      publishes.close();
      if (mqtt.getState().isConnected()) {
        mqtt.disconnect();
      }
    }
  }

  static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void qos012BothWays(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String base = Brokers.unique("hive");
    try (Client a = Client.connect(broker, Brokers.unique("hivea"), c -> c.cleanStart(true));
        Client b = Client.connect(broker, Brokers.unique("hiveb"), c -> c.cleanStart(true))) {
      a.subscribe(base + "/a", MqttQos.EXACTLY_ONCE);
      b.subscribe(base + "/b", MqttQos.EXACTLY_ONCE);
      for (MqttQos qos : MqttQos.values()) {
        a.publish(base + "/b", "to-b-" + qos.getCode(), qos, false);
        b.publish(base + "/a", "to-a-" + qos.getCode(), qos, false);
      }
      for (Client c : List.of(a, b)) {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          Mqtt5Publish p = c.next();
          assertThat(text(p)).endsWith("-" + p.getQos().getCode());
          got.add(text(p));
        }
        assertThat(got).hasSize(3).doesNotHaveDuplicates();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void topicAliasesBothWaysKeepTopicsIntact(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("hive") + "/a/long/topic/to/alias/over/and/over";
    // The HiveMQ client resolves incoming aliases and, with a send maximum, assigns its own.
    try (Client sub =
            Client.connect(
                broker,
                Brokers.unique("hivesub"),
                c -> c.cleanStart(true).restrictions().topicAliasMaximum(4).applyRestrictions());
        Client pub =
            Client.connect(
                broker,
                Brokers.unique("hivepub"),
                c ->
                    c.cleanStart(true)
                        .restrictions()
                        .sendTopicAliasMaximum(4)
                        .applyRestrictions())) {
      sub.subscribe(topic, MqttQos.AT_LEAST_ONCE);
      for (int i = 0; i < 5; i++) {
        pub.publish(topic, "alias-" + i, MqttQos.AT_LEAST_ONCE, false);
      }
      for (int i = 0; i < 5; i++) {
        Mqtt5Publish p = sub.next();
        assertThat(p.getTopic().toString()).isEqualTo(topic);
        assertThat(text(p)).isEqualTo("alias-" + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void retainedSetReplaceClear(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("hive") + "/retained";
    try (Client pub = Client.connect(broker, Brokers.unique("hivepub"), c -> c.cleanStart(true))) {
      pub.publish(topic, "v1", MqttQos.AT_LEAST_ONCE, true);
      pub.publish(topic, "v2", MqttQos.EXACTLY_ONCE, true);
      try (Client sub =
          Client.connect(broker, Brokers.unique("hivesub"), c -> c.cleanStart(true))) {
        sub.subscribe(topic, MqttQos.EXACTLY_ONCE);
        Mqtt5Publish p = sub.next();
        assertThat(text(p)).isEqualTo("v2");
        assertThat(p.isRetain()).isTrue();
      }
      pub.publish(topic, "", MqttQos.AT_LEAST_ONCE, true);
      try (Client sub =
          Client.connect(broker, Brokers.unique("hivesub"), c -> c.cleanStart(true))) {
        sub.subscribe(topic, MqttQos.AT_LEAST_ONCE);
        pub.publish(topic, "marker", MqttQos.AT_LEAST_ONCE, false);
        assertThat(sub.untilMarker("marker")).containsExactly("marker");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void offlineQueueIsDeliveredOnResume(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String id = Brokers.unique("hivepersist");
    String topic = Brokers.unique("hive") + "/offline";
    try (Client first =
        Client.connect(broker, id, c -> c.cleanStart(true).sessionExpiryInterval(300))) {
      first.subscribe(topic, MqttQos.AT_LEAST_ONCE);
    }
    try (Client pub = Client.connect(broker, Brokers.unique("hivepub"), c -> c.cleanStart(true))) {
      for (int i = 0; i < 5; i++) {
        pub.publish(topic, "q" + i, MqttQos.AT_LEAST_ONCE, false);
      }
    }
    try (Client again =
        Client.connect(broker, id, c -> c.cleanStart(false).sessionExpiryInterval(300))) {
      assertThat(again.connack().isSessionPresent()).isTrue();
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        got.add(text(again.next()));
      }
      assertThat(got).containsExactly("q0", "q1", "q2", "q3", "q4");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void takeoverDisconnectsTheOldClientWithSessionTakenOver(Kind kind) throws Exception {
    BrokerUnderTest broker = broker(kind);
    String id = Brokers.unique("hivesame");
    try (Client old = Client.connect(broker, id, c -> c.cleanStart(true));
        Client current = Client.connect(broker, id, c -> c.cleanStart(true))) {
      Throwable cause = old.disconnected().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(current.mqtt().getState().isConnected()).isTrue();
      if (kind == Kind.MQTTLS) {
        // Mosquitto 2.0.11 closes without a DISCONNECT; MQTT 5 §3.1.4 says send 0x8E.
        assertThat(cause).isInstanceOf(Mqtt5DisconnectException.class);
        assertThat(((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode())
            .isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void willWithDelayIsPublishedAfterDisconnectWithWill(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String willTopic = Brokers.unique("hive") + "/will";
    try (Client watcher =
        Client.connect(broker, Brokers.unique("hivewatch"), c -> c.cleanStart(true))) {
      watcher.subscribe(willTopic, MqttQos.AT_LEAST_ONCE);
      Client dying =
          Client.connect(
              broker,
              Brokers.unique("hivedying"),
              c ->
                  c.cleanStart(true)
                      .sessionExpiryInterval(10)
                      .willPublish()
                      .topic(willTopic)
                      .qos(MqttQos.AT_LEAST_ONCE)
                      .payload("delayed-will".getBytes(StandardCharsets.UTF_8))
                      .delayInterval(1)
                      .applyWillPublish());
      dying
          .mqtt()
          .disconnectWith()
          .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
          .send();
      dying.publishes().close();
      assertThat(text(watcher.next())).isEqualTo("delayed-will");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void sharedSubscriptionSplitsMessagesBetweenMembers(Kind kind) {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("hive") + "/shared";
    String filter = "$share/hivegroup/" + topic;
    try (Client m1 = Client.connect(broker, Brokers.unique("hivem1"), c -> c.cleanStart(true));
        Client m2 = Client.connect(broker, Brokers.unique("hivem2"), c -> c.cleanStart(true));
        Client pub = Client.connect(broker, Brokers.unique("hivepub"), c -> c.cleanStart(true))) {
      m1.subscribe(filter, MqttQos.AT_LEAST_ONCE);
      m2.subscribe(filter, MqttQos.AT_LEAST_ONCE);
      int count = 30;
      for (int i = 0; i < count; i++) {
        pub.publish(topic, "s" + i, MqttQos.AT_LEAST_ONCE, false);
      }
      List<String> all = new ArrayList<>();
      for (int round = 0; round < 200 && all.size() < count; round++) {
        m1.publishes().receiveNow().ifPresent(p -> all.add(text(p)));
        m2.publishes().receiveNow().ifPresent(p -> all.add(text(p)));
        if (all.size() < count) {
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
      assertThat(all).hasSize(count).doesNotHaveDuplicates();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  void mqtt311ClientExchangesAtEveryQos(Kind kind) throws InterruptedException {
    BrokerUnderTest broker = broker(kind);
    String topic = Brokers.unique("hive3") + "/t";
    Mqtt3BlockingClient sub =
        MqttClient.builder()
            .useMqttVersion3()
            .identifier(Brokers.unique("hive3sub"))
            .serverHost("127.0.0.1")
            .serverPort(broker.port())
            .buildBlocking();
    Mqtt3BlockingClient pub =
        MqttClient.builder()
            .useMqttVersion3()
            .identifier(Brokers.unique("hive3pub"))
            .serverHost("127.0.0.1")
            .serverPort(broker.port())
            .buildBlocking();
    sub.connect();
    pub.connect();
    try (Mqtt3BlockingClient.Mqtt3Publishes publishes =
        sub.publishes(MqttGlobalPublishFilter.ALL)) {
      sub.subscribeWith().topicFilter(topic).qos(MqttQos.EXACTLY_ONCE).send();
      for (MqttQos qos : MqttQos.values()) {
        pub.publishWith().topic(topic).qos(qos).payload(("q" + qos.getCode()).getBytes()).send();
      }
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Mqtt3Publish p =
            publishes
                .receive(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .orElseThrow(() -> new AssertionError("HiveMQ 3.1.1 client received " + got));
        assertThat(new String(p.getPayloadAsBytes())).isEqualTo("q" + p.getQos().getCode());
        got.add(new String(p.getPayloadAsBytes()));
      }
      assertThat(got).containsExactlyInAnyOrder("q0", "q1", "q2");
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  }
}
