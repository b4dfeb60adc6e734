package dev.mqttls.cluster.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.cluster.internal.Membership;
import dev.mqttls.cluster.internal.wire.Frame;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClusterMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private static byte[] publishFrame() {
    Publish p =
        new Publish(
            false,
            Qos.AT_LEAST_ONCE,
            false,
            "a/b",
            7,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer("payload", StandardCharsets.UTF_8));
    Message m = new Message(p, Long.MAX_VALUE, "publisher-1", null);
    try {
      return Frame.publish(3, m);
    } finally {
      m.release();
    }
  }

  @Test
  void gaugesReadTheirSources_framesCountedPerPeerByKind() {
    Membership membership = new Membership("node-1", 3, 2, gone -> {}, () -> {});
    AtomicInteger sessions = new AtomicInteger(4);
    AtomicInteger backlog = new AtomicInteger(2);
    ClusterMeters meters = new ClusterMeters(registry, membership, sessions::get, backlog::get);

    // Before its first view a node sees itself only: a minority of three.
    assertThat(gauge("mqttls.cluster.members")).isEqualTo(1);
    assertThat(gauge("mqttls.cluster.nodes.configured")).isEqualTo(3);
    assertThat(gauge("mqttls.cluster.partition.majority")).isZero();
    assertThat(gauge("mqttls.cluster.sessions")).isEqualTo(4);
    sessions.set(5);
    assertThat(gauge("mqttls.cluster.sessions")).isEqualTo(5);
    assertThat(gauge("mqttls.cluster.replication.backlog")).isEqualTo(2);

    byte[] publish = publishFrame();
    meters.sent("node-2", publish, 0, publish.length);
    meters.sent("node-2", publish, 0, publish.length);
    meters.sent("node-3", publish, 0, publish.length);
    byte[] ack = Frame.ack(3);
    meters.sent("node-2", ack, 0, ack.length);
    byte[] framed = new byte[publish.length + 5];
    System.arraycopy(publish, 0, framed, 5, publish.length);
    meters.received("node-3", framed, 5, publish.length);
    byte[] takeover = Frame.takeover("device-42");
    meters.sent("node-2", takeover, 0, takeover.length);
    meters.received("node-3", takeover, 0, takeover.length);
    meters.received("node-3", takeover, 0, takeover.length);

    assertThat(counter("mqttls.cluster.forwarded.frames.sent", "peer", "node-2")).isEqualTo(2);
    assertThat(counter("mqttls.cluster.forwarded.sent", "peer", "node-2"))
        .isEqualTo(2.0 * publish.length);
    assertThat(counter("mqttls.cluster.forwarded.frames.sent", "peer", "node-3")).isEqualTo(1);
    assertThat(counter("mqttls.cluster.forwarded.frames.received", "peer", "node-3")).isEqualTo(1);
    assertThat(counter("mqttls.cluster.forwarded.received", "peer", "node-3"))
        .isEqualTo(publish.length);
    assertThat(counter("mqttls.cluster.takeovers", "side", "new_owner")).isEqualTo(1);
    assertThat(counter("mqttls.cluster.takeovers", "side", "old_owner")).isEqualTo(2);
    assertThat(counter("mqttls.cluster.nodes.joined")).isZero();
    assertThat(counter("mqttls.cluster.nodes.left")).isZero();
  }
}
