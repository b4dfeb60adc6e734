package dev.mqttls.client.internal.publish.incoming;

import dev.mqttls.client.Message;
import dev.mqttls.client.internal.PacketConversions;
import dev.mqttls.client.internal.Packets;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.ReasonCode;
import io.netty.channel.Channel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Publishes from the broker: acknowledged by QoS, QoS 2 by Method A of MQTT 5 section 4.3.3
 * (delivered on first receipt; resends of the same packet identifier are dropped until its PUBREL
 * ends the exchange). The QoS 2 state lives as long as the session; a new session starts empty.
 *
 * <p>Loop-confined.
 */
public final class IncomingQosFlow {
  private final MqttVersion version;
  private final Consumer<Message> deliver;
  private final Set<Integer> qos2 = new HashSet<>();
  private final AtomicLong received = new AtomicLong();

  /**
   * A flow that hands each new message to {@code deliver} (on the event loop; it must not block).
   */
  public IncomingQosFlow(MqttVersion version, Consumer<Message> deliver) {
    this.version = version;
    this.deliver = deliver;
  }

  /** A PUBLISH arrived on {@code ch}; it is not released here. */
  public void publish(Channel ch, Publish p) {
    switch (p.qos()) {
      case AT_MOST_ONCE:
        deliver(p);
        break;
      case AT_LEAST_ONCE:
        deliver(p);
        Packets.send(ch, new Puback(p.packetId()));
        break;
      default:
        if (qos2.add(p.packetId())) {
          deliver(p);
        }
        Packets.send(ch, new Pubrec(p.packetId()));
    }
  }

  /** A PUBREL ends a QoS 2 exchange. */
  public void pubrel(Channel ch, Pubrel r) {
    boolean known = qos2.remove(r.packetId());
    Packets.send(
        ch,
        known || version != MqttVersion.V5
            ? new Pubcomp(r.packetId())
            : new Pubcomp(
                r.packetId(), ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.EMPTY));
  }

  /** The broker started a new session: no QoS 2 exchange of the old one goes on. */
  public void sessionStarted() {
    qos2.clear();
  }

  /** Messages received since the client was created (thread-safe). */
  public long receivedCount() {
    return received.get();
  }

  private void deliver(Publish p) {
    Message m = PacketConversions.toMessage(p, p.topic());
    received.incrementAndGet();
    deliver.accept(m);
  }
}
