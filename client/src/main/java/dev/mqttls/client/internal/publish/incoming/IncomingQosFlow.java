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
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import io.netty.channel.Channel;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Publishes from the broker: acknowledged by QoS, QoS 2 by Method A of MQTT 5 section 4.3.3
 * (delivered on first receipt; resends of the same packet identifier are dropped until its PUBREL
 * ends the exchange). The QoS 2 state lives as long as the session; a new session starts empty.
 *
 * <p>With manual acknowledgement, a QoS 1 or 2 message is acknowledged when the application says
 * so; the delivered {@link Message} instance is the handle (by identity), valid for the connection
 * it arrived on.
 *
 * <p>Loop-confined.
 */
public final class IncomingQosFlow {
  private final MqttVersion version;
  private final Consumer<Message> deliver;
  private final boolean manual;
  private final Set<Integer> qos2 = new HashSet<>();
  private final Map<Message, Publish> unacknowledged = new IdentityHashMap<>();
  private final AtomicLong received = new AtomicLong();

  /**
   * A flow that hands each new message to {@code deliver} (on the event loop; it must not block).
   */
  public IncomingQosFlow(MqttVersion version, Consumer<Message> deliver) {
    this(version, deliver, false);
  }

  /**
   * As {@link #IncomingQosFlow(MqttVersion, Consumer)}; with {@code manual}, QoS 1 and 2 messages
   * wait for {@link #acknowledge}.
   */
  public IncomingQosFlow(MqttVersion version, Consumer<Message> deliver, boolean manual) {
    this.version = version;
    this.deliver = deliver;
    this.manual = manual;
  }

  /** A PUBLISH arrived on {@code ch}; it is not released here. */
  public void publish(Channel ch, Publish p) {
    switch (p.qos()) {
      case AT_MOST_ONCE:
        deliver(p);
        break;
      case AT_LEAST_ONCE:
        deliver(p);
        if (!manual) {
          Packets.send(ch, new Puback(p.packetId()));
        }
        break;
      default:
        if (qos2.add(p.packetId())) {
          deliver(p);
          if (manual) {
            return;
          }
        } else if (manual && held(p.packetId())) {
          // a resend of one the application still holds: PUBREC waits for it
          return;
        }
        Packets.send(ch, new Pubrec(p.packetId()));
    }
  }

  private boolean held(int packetId) {
    for (Publish h : unacknowledged.values()) {
      if (h.packetId() == packetId) {
        return true;
      }
    }
    return false;
  }

  /**
   * The application acknowledges {@code m} (manual mode): PUBACK or PUBREC on {@code ch}, the
   * current connection (null when none: the broker resends it after a resumed session).
   */
  public void acknowledge(Channel ch, Message m) {
    Publish p = unacknowledged.remove(m);
    if (p == null || ch == null) {
      return;
    }
    Packets.send(
        ch, p.qos() == Qos.AT_LEAST_ONCE ? new Puback(p.packetId()) : new Pubrec(p.packetId()));
  }

  /**
   * The connection ended: what the application still holds is the broker's to resend (resumed
   * session) or is gone with the session; its acknowledgements would name stale packet ids.
   */
  public void connectionEnded() {
    if (!unacknowledged.isEmpty()) {
      // QoS 2 ids the application never acknowledged were not PUBRECed: a resend is new to us
      unacknowledged.values().forEach(p -> qos2.remove(p.packetId()));
      unacknowledged.clear();
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
    if (manual && p.qos() != Qos.AT_MOST_ONCE) {
      unacknowledged.put(m, p);
    }
    deliver.accept(m);
  }
}
