package dev.mqttls.cluster.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.internal.routing.LocalRouter;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.cluster.internal.wire.Frame;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedFrameTest {
  @Test
  void wrap_keepsThePublishFrameIntact_andNamesOnlyItsGroups() {
    Publish p =
        new Publish(
            false,
            Qos.AT_LEAST_ONCE,
            false,
            "jobs/a",
            1,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
    Message m = new Message(p, Long.MAX_VALUE, "pub", null);
    byte[] publish = Frame.publish(9, m);
    m.release();
    // A prefix in the stream, as JGroups may hand a message at an offset.
    byte[] wrapped = SharedFrame.wrap(List.of("$share/workers/jobs/#", "$share/g2/+/a"), publish);
    byte[] buf = new byte[wrapped.length + 5];
    System.arraycopy(wrapped, 0, buf, 5, wrapped.length);

    assertThat(Frame.kind(buf, 5)).isEqualTo(SharedFrame.SHARED);
    int inner = SharedFrame.inner(buf, 5);
    assertThat(Frame.kind(buf, inner)).isEqualTo(Frame.PUBLISH);
    assertThat(Frame.seq(buf, inner)).isEqualTo(9);
    assertThat(Frame.origin(buf, inner)).isEqualTo("pub");
    Publish back = Frame.packet(buf, inner, wrapped.length - (inner - 5));
    try {
      assertThat(back.topic()).isEqualTo("jobs/a");
    } finally {
      back.release();
    }
    LocalRouter.ShareGroups groups = SharedFrame.groups(buf, 5);
    assertThat(groups.serves("workers", "jobs/#")).isTrue();
    assertThat(groups.serves("g2", "+/a")).isTrue();
    assertThat(groups.serves("workers", "jobs/a")).isFalse();
    assertThat(groups.serves("other", "jobs/#")).isFalse();
    assertThat(SharedFrame.NONE.serves("workers", "jobs/#")).isFalse();
  }
}
