package dev.mqttls.cluster.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameTest {
  private static Message message(Qos qos, MqttProperties props) {
    Publish p =
        new Publish(
            false,
            qos,
            true,
            "a/b",
            qos == Qos.AT_MOST_ONCE ? 0 : 7,
            props,
            Unpooled.copiedBuffer("payload", StandardCharsets.UTF_8));
    return new Message(p, Long.MAX_VALUE, "publisher-1", null);
  }

  @Test
  void publish_roundTrip_keepsTopicQosRetainPropertiesPayloadAndOrigin() {
    MqttProperties props =
        MqttProperties.builder().messageExpiryInterval(30L).contentType("text/plain").build();
    Message m = message(Qos.EXACTLY_ONCE, props);
    byte[] frame = Frame.publish(42, m);
    m.release();

    assertThat(Frame.kind(frame, 0)).isEqualTo(Frame.PUBLISH);
    assertThat(Frame.seq(frame, 0)).isEqualTo(42);
    assertThat(Frame.origin(frame, 0)).isEqualTo("publisher-1");
    Publish p = Frame.packet(frame, 0, frame.length);
    try {
      assertThat(p.topic()).isEqualTo("a/b");
      assertThat(p.qos()).isEqualTo(Qos.EXACTLY_ONCE);
      assertThat(p.retainFlag()).isTrue();
      assertThat(p.properties().messageExpiryInterval()).isEqualTo(30L);
      assertThat(p.properties().contentType()).isEqualTo("text/plain");
      assertThat(p.payload().toString(StandardCharsets.UTF_8)).isEqualTo("payload");
    } finally {
      p.release();
    }
  }

  @Test
  void publish_twoInARowOnOneThread_bothDecode() {
    for (Qos q : Qos.values()) {
      Message m = message(q, MqttProperties.EMPTY);
      byte[] frame = Frame.publish(0, m);
      m.release();
      Publish p = Frame.packet(frame, 0, frame.length);
      assertThat(p.qos()).isEqualTo(q);
      p.release();
    }
  }

  @Test
  void ackAndTakeover_roundTrip() {
    assertThat(Frame.seq(Frame.ack(9), 0)).isEqualTo(9);
    assertThat(Frame.kind(Frame.ack(9), 0)).isEqualTo(Frame.ACK);
    byte[] t = Frame.takeover("dévice-1");
    assertThat(Frame.kind(t, 0)).isEqualTo(Frame.TAKEOVER);
    assertThat(Frame.clientId(t, 0)).isEqualTo("dévice-1");
  }

  @Test
  void packet_ofGarbage_isRefusedByName() {
    byte[] bad = {Frame.PUBLISH, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xF0, 0};
    assertThatThrownBy(() -> Frame.packet(bad, 0, bad.length))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
