package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Topic depth, topic size and subscriptions per client are bounded (max_topic_levels,
 * max_topic_bytes, max_subscriptions); what exceeds them is refused with its reason code, and the
 * deepest topic allowed is served without recursion.
 */
class TopicLimitsTest {
  static String deep(int levels, String last) {
    StringBuilder b = new StringBuilder(levels * 2);
    for (int i = 1; i < levels; i++) {
      b.append("a/");
    }
    return b.append(last).toString();
  }

  static Broker start(BrokerConfig.Builder b) {
    return Broker.start(b.listener(0, "127.0.0.1").build());
  }

  @Test
  void deepRetainedPublish_disconnectsItsSender_andHashSubscribersAreStillServed()
      throws Exception {
    try (Broker b = start(BrokerConfig.builder())) {
      for (MqttVersion v : List.of(MqttVersion.V5, MqttVersion.V3_1_1)) {
        try (TestClient pub = TestClient.connect(b.address(0), v, "deep-" + v)) {
          pub.publish(deep(30_000, "z"), "x", 1, 1, true);
          MqttPacket last = pub.awaitClose();
          if (v.isV5()) {
            assertThat(last).isInstanceOf(Disconnect.class);
            assertThat(((Disconnect) last).reasonCode()).isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
          } else {
            assertThat(last).as("3.1.1: closed without PUBACK").isNull();
          }
        }
      }
      try (TestClient pub = TestClient.connect(b.address(0), MqttVersion.V5, "ok")) {
        pub.publish("ok/retained", "kept", 1, 1, true);
        pub.expect(dev.mqttls.codec.Puback.class);
      }
      for (int i = 0; i < 3; i++) {
        try (TestClient sub = TestClient.connect(b.address(0), MqttVersion.V3_1_1, "all" + i)) {
          Suback ack = sub.subscribe(1, "#", 0);
          assertThat(ack.reasonCodes()).containsExactly(ReasonCode.GRANTED_QOS_0);
          Publish p = sub.expect(Publish.class);
          assertThat(p.topic()).isEqualTo("ok/retained");
          p.release();
        }
      }
    }
  }

  @Test
  void deepAndLongFilters_refusedPerFilter_0x8F_v5_0x80_v311() throws Exception {
    try (Broker b = start(BrokerConfig.builder().maxTopicBytes(1000))) {
      for (MqttVersion v : List.of(MqttVersion.V5, MqttVersion.V3_1_1)) {
        try (TestClient c = TestClient.connect(b.address(0), v, "filters-" + v)) {
          c.send(
              new Subscribe(
                  1,
                  List.of(
                      new Subscription(TopicFilter.of(deep(30_000, "#")), Qos.AT_MOST_ONCE),
                      new Subscription(TopicFilter.of("x".repeat(1001)), Qos.AT_MOST_ONCE),
                      new Subscription(TopicFilter.of(deep(128, "#")), Qos.AT_MOST_ONCE)),
                  MqttProperties.EMPTY));
          Suback ack = c.expect(Suback.class);
          if (v.isV5()) {
            assertThat(ack.reasonCodes())
                .containsExactly(
                    ReasonCode.TOPIC_FILTER_INVALID,
                    ReasonCode.TOPIC_FILTER_INVALID,
                    ReasonCode.GRANTED_QOS_0);
          } else {
            assertThat(ack.reasonCodes().stream().map(ReasonCode::v3SubackCode))
                .containsExactly(0x80, 0x80, 0);
          }
          // still connected and served
          c.publish("a/b", "x", 1, 7, false);
          MqttPacket p = c.receive();
          assertThat(p).isNotNull();
          io.netty.util.ReferenceCountUtil.release(p);
        }
      }
    }
  }

  @Test
  void subscriptionsPerClient_beyondTheLimit_quotaExceeded() throws Exception {
    try (Broker b = start(BrokerConfig.builder().maxSubscriptions(3));
        TestClient c = TestClient.connect(b.address(0), MqttVersion.V5, "quota")) {
      List<Subscription> subs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        subs.add(new Subscription(TopicFilter.of("t/" + i), Qos.AT_MOST_ONCE));
      }
      c.send(new Subscribe(1, subs, MqttProperties.EMPTY));
      assertThat(c.expect(Suback.class).reasonCodes())
          .containsExactly(
              ReasonCode.GRANTED_QOS_0,
              ReasonCode.GRANTED_QOS_0,
              ReasonCode.GRANTED_QOS_0,
              ReasonCode.QUOTA_EXCEEDED,
              ReasonCode.QUOTA_EXCEEDED);
      // Re-subscribing to a filter already held is a replacement, not one more.
      assertThat(c.subscribe(2, "t/0", 1).reasonCodes()).containsExactly(ReasonCode.GRANTED_QOS_1);
    }
  }

  @Test
  void tenThousandLevels_withTheLimitRaised_areRoutedAndRetained() throws Exception {
    String topic = deep(10_000, "z");
    try (Broker b = start(BrokerConfig.builder().maxTopicLevels(20_000));
        TestClient sub = TestClient.connect(b.address(0), MqttVersion.V5, "deepsub");
        TestClient pub = TestClient.connect(b.address(0), MqttVersion.V5, "deeppub")) {
      sub.subscribe(1, deep(10_000, "+"), 0);
      pub.publish(topic, "live", 1, 1, true);
      pub.expect(dev.mqttls.codec.Puback.class);
      Publish live = sub.expect(Publish.class);
      assertThat(live.topic()).isEqualTo(topic);
      live.release();
      try (TestClient all = TestClient.connect(b.address(0), MqttVersion.V5, "hash")) {
        all.subscribe(1, "#", 0);
        Publish retained = all.expect(Publish.class);
        assertThat(retained.topic()).isEqualTo(topic);
        retained.release();
      }
    }
  }
}
