package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.internal.connection.ConnectionState.Phase;
import dev.mqttls.broker.internal.flow.DropEpisode;
import dev.mqttls.broker.internal.flow.PublisherHolds;
import dev.mqttls.broker.internal.flow.ReadGate;
import dev.mqttls.broker.internal.metrics.DropReason;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.session.SessionOutput;
import dev.mqttls.codec.EncodedPublish;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.List;

/**
 * The session's way out to the client ({@link SessionOutput}): each PUBLISH in the form this client
 * takes (topic alias, subscription ids, what is left of its Message Expiry Interval, at most its
 * Maximum Packet Size), and back-pressure on the publishers while the client is slow.
 */
final class OutboundWriter implements SessionOutput {
  private final ConnectionState c;
  private final PublisherHolds holds;
  private final Runnable takenOver;
  private int sendQuota;

  /** QoS 0 messages written since the socket last had room: the client's QoS 0 queue. */
  private int queuedWhileFull;

  private DropEpisode drops;
  private long clientMaximumPacketSize = Long.MAX_VALUE;

  /** -v: checked once per connection, see {@link PacketLog}. */
  private final boolean logPackets = PacketLog.enabled();

  OutboundWriter(ConnectionState c, PublisherHolds holds, Runnable takenOver) {
    this.c = c;
    this.holds = holds;
    this.takenOver = takenOver;
  }

  /** From CONNECT: the client's Receive Maximum (capped) and Maximum Packet Size. */
  void limits(int sendQuota, long clientMaximumPacketSize) {
    this.sendQuota = sendQuota;
    this.clientMaximumPacketSize = clientMaximumPacketSize;
  }

  @Override
  public int sendQuota() {
    return sendQuota;
  }

  @Override
  public void sendPublish(
      Message m, int qos, boolean retain, List<Integer> ids, int packetId, boolean dup) {
    try {
      if (c.phase != Phase.CONNECTED || !c.channel.isActive()) {
        return;
      }
      if (qos == 0 && !c.channel.isWritable() && queueFull()) {
        return;
      }
      boolean v5 = c.version.isV5();
      Publish p = m.publish();
      String topic = p.topic();
      TopicAliases aliases = c.aliases;
      int alias = aliases.outboundKnown(topic);
      boolean omit = alias != 0;
      boolean newAlias = false;
      if (!omit) {
        alias = aliases.outboundFree();
        newAlias = alias != 0;
      }
      List<Integer> subIds = v5 ? ids : List.of();
      Qos q = Qos.of(qos);
      if (v5 && m.hasExpiry()) {
        // The Message Expiry Interval sent is what is left of it (MQTT 5 section 3.3.2.3.3).
        MqttProperties props =
            p.properties().toBuilder()
                .messageExpiryInterval(m.remainingSeconds(c.broker.ticker().nanoTime()))
                .subscriptionIdentifiers(subIds)
                .topicAlias(alias == 0 ? null : alias)
                .build();
        Publish out =
            new Publish(
                dup,
                q,
                retain,
                omit ? "" : topic,
                packetId,
                props,
                p.payload().retainedDuplicate());
        if (MqttEncoder.encodedSize(out, c.version) > clientMaximumPacketSize) {
          // Larger than the client accepts: discarded as if sent (MQTT 5 section 3.1.2.25).
          c.broker.metrics().dropped(DropReason.CLIENT_MAXIMUM_PACKET_SIZE);
          out.release();
          discarded(packetId);
          return;
        }
        if (newAlias) {
          aliases.outboundSent(topic, alias);
        }
        c.ctx.writeAndFlush(out, c.ctx.voidPromise());
      } else {
        EncodedPublish enc = m.encoded(c.version);
        if (v5 && enc.encodedSize(q, alias, omit, subIds) > clientMaximumPacketSize) {
          // Larger than the client accepts: discarded as if sent (MQTT 5 section 3.1.2.25).
          c.broker.metrics().dropped(DropReason.CLIENT_MAXIMUM_PACKET_SIZE);
          discarded(packetId);
          return;
        }
        if (newAlias) {
          aliases.outboundSent(topic, alias);
        }
        c.ctx.writeAndFlush(
            enc.delivery(q, packetId, dup, retain, alias, omit, subIds), c.ctx.voidPromise());
      }
      c.broker.metrics().publishSent(qos, p.payload().readableBytes());
      if (logPackets) {
        PacketLog.sendingPublish(
            c.clientId, dup, qos, retain, packetId, topic, p.payload().readableBytes());
      }
      if (!c.channel.isWritable()) {
        if (qos == 0) {
          queuedWhileFull++;
        }
        holds.pause(m.originGate());
      }
    } finally {
      m.release();
    }
  }

  /**
   * Whether a QoS 0 message must be dropped: the socket is full and the messages waiting in front
   * of it reached max_queued_messages or max_queued_bytes (as Mosquitto counts QoS 0 messages it
   * cannot send into the client's queue). A QoS 1/2 message is never dropped here: the in-flight
   * window bounds those, and the session's queue behind it has the same limits.
   */
  private boolean queueFull() {
    BrokerConfig config = c.broker.config();
    String limit = null;
    if (queuedWhileFull >= config.maxQueuedMessages()) {
      limit = config.maxQueuedMessages() + " messages, max_queued_messages";
    } else {
      ChannelOutboundBuffer buf = c.channel.unsafe().outboundBuffer();
      long max = config.maxQueuedBytes();
      if (max > 0 && buf != null && buf.totalPendingWriteBytes() >= max) {
        limit = max + " bytes, max_queued_bytes";
      }
    }
    if (limit == null) {
      return false;
    }
    if (drops == null) {
      drops = new DropEpisode(c.who(), "QoS 0 messages");
    }
    drops.dropped(limit);
    c.broker.metrics().dropped(DropReason.QUEUE_FULL);
    return true;
  }

  /** The client's socket takes data again: its QoS 0 queue is empty. */
  void writable() {
    queuedWhileFull = 0;
    if (drops != null) {
      drops.ended();
    }
  }

  private void discarded(int packetId) {
    if (packetId != 0 && c.session != null) {
      c.session.discardInFlight(packetId);
    }
  }

  @Override
  public void sendPubrel(int packetId) {
    if (c.phase == Phase.CONNECTED) {
      c.ctx.writeAndFlush(
          new Pubrel(packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY), c.ctx.voidPromise());
    }
  }

  @Override
  public void holdPublisher(ReadGate origin) {
    holds.holdForQueue(origin);
  }

  @Override
  public boolean stalled() {
    return holds.stalled();
  }

  @Override
  public void queueDrained() {
    holds.maybeResume(true);
  }

  @Override
  public void takenOver() {
    takenOver.run();
  }
}
