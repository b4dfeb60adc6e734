package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Configuration directives that change what clients are told and allowed. */
class ServerLimitsTest {
  @Test
  void maxKeepalive_lowersTheClientsKeepAlive_v5_andRefusesLargerIn311() throws Exception {
    try (Broker b =
        Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").maxKeepalive(30).build())) {
      try (TestClient c = TestClient.open(b.address(0), MqttVersion.V5)) {
        Connack ack = c.connect(new Connect(MqttVersion.V5, "ka5", true, 600));
        assertThat(ack.reasonCode()).isEqualTo(ReasonCode.SUCCESS);
        assertThat(ack.properties().serverKeepAlive()).isEqualTo(30);
      }
      try (TestClient c = TestClient.open(b.address(0), MqttVersion.V3_1_1)) {
        Connack ack = c.connect(new Connect(MqttVersion.V3_1_1, "ka3", true, 600));
        assertThat(ack.reasonCode().v3ConnackCode()).isEqualTo(2);
      }
    }
  }

  @Test
  void retainUnavailable_announced_andRetainedPublishDisconnects_v5() throws Exception {
    try (Broker b =
            Broker.start(
                BrokerConfig.builder().listener(0, "127.0.0.1").retainAvailable(false).build());
        TestClient c = TestClient.open(b.address(0), MqttVersion.V5)) {
      Connack ack = c.connect(new Connect(MqttVersion.V5, "noretain", true, 60));
      assertThat(ack.properties().retainAvailable()).isFalse();
      c.send(
          new Publish(
              false,
              Qos.AT_MOST_ONCE,
              true,
              "r",
              0,
              MqttProperties.EMPTY,
              Unpooled.copiedBuffer("x", StandardCharsets.UTF_8)));
      MqttPacket last = c.awaitClose();
      assertThat(((Disconnect) last).reasonCode()).isEqualTo(ReasonCode.RETAIN_NOT_SUPPORTED);
    }
  }

  @Test
  void allowAnonymousFalse_refusesWithoutCredentials() throws Exception {
    try (Broker b =
        Broker.start(
            BrokerConfig.builder().listener(0, "127.0.0.1").allowAnonymous(false).build())) {
      try (TestClient c = TestClient.open(b.address(0), MqttVersion.V5)) {
        assertThat(c.connect(new Connect(MqttVersion.V5, "anon", true, 60)).reasonCode())
            .isEqualTo(ReasonCode.NOT_AUTHORIZED);
      }
      try (TestClient c = TestClient.open(b.address(0), MqttVersion.V3_1_1)) {
        assertThat(
                c.connect(new Connect(MqttVersion.V3_1_1, "anon3", true, 60))
                    .reasonCode()
                    .v3ConnackCode())
            .isEqualTo(5);
      }
    }
  }

  @Test
  void messageSizeLimit_dropsLargerPayloads() throws Exception {
    try (Broker b =
            Broker.start(
                BrokerConfig.builder().listener(0, "127.0.0.1").messageSizeLimit(10).build());
        TestClient sub = TestClient.connect(b.address(0), MqttVersion.V3_1_1, "msl-sub");
        TestClient pub = TestClient.connect(b.address(0), MqttVersion.V3_1_1, "msl-pub")) {
      sub.subscribe(1, "msl", 0);
      pub.publish("msl", "this is far too long", 0, 0, false);
      pub.publish("msl", "short", 0, 0, false);
      assertThat(TestClient.text(sub.expect(Publish.class))).isEqualTo("short");
    }
  }
}
