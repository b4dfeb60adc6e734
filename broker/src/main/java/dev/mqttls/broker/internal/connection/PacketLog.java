package dev.mqttls.broker.internal.connection;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.Unsubscribe;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mqttls broker -v} (or {@code log_type debug}): every packet in and out, worded as {@code
 * mosquitto -v} words it ({@code Received PUBLISH from X (d0, q1, r0, m3, 'topic', ... (N bytes))},
 * {@code Sending PUBACK to X (m3, rc0)}), never a payload, password or property value. In the
 * pipeline only when its logger is at DEBUG when the connection opens, so it costs nothing
 * otherwise; outgoing PUBLISHes, which leave the connection pre-encoded, are logged by the {@link
 * OutboundWriter}.
 */
public final class PacketLog extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker.packet");

  /** Whether packets are logged (checked once per connection). */
  public static boolean enabled() {
    return LOG.isDebugEnabled();
  }

  private static String who(ChannelHandlerContext ctx) {
    MqttConnection c = ctx.pipeline().get(MqttConnection.class);
    String id = c == null ? null : c.clientId();
    return id == null ? "<unknown>" : id;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MqttPacket p) {
      received(ctx, p);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof MqttPacket p && !(p instanceof Publish)) {
      sending(ctx, p);
    }
    ctx.write(msg, promise);
  }

  private static void received(ChannelHandlerContext ctx, MqttPacket packet) {
    String id = who(ctx);
    switch (packet.type()) {
      case CONNECT -> {
        // mosquitto logs "New client connected ..." once the CONNECT is accepted; so do we
      }
      case PUBLISH -> {
        Publish p = (Publish) packet;
        publish(
            "Received",
            "from",
            id,
            p.dup(),
            p.qos().code(),
            p.retainFlag(),
            p.packetId(),
            p.topic(),
            p.payload().readableBytes());
      }
      case PUBACK -> {
        Puback a = (Puback) packet;
        LOG.debug(
            "Received PUBACK from {} (Mid: {}, RC:{})", id, a.packetId(), code(a.reasonCode()));
      }
      case PUBREC ->
          LOG.debug("Received PUBREC from {} (Mid: {})", id, ((Pubrec) packet).packetId());
      case PUBREL ->
          LOG.debug("Received PUBREL from {} (Mid: {})", id, ((Pubrel) packet).packetId());
      case PUBCOMP -> {
        Pubcomp c = (Pubcomp) packet;
        LOG.debug(
            "Received PUBCOMP from {} (Mid: {}, RC:{})", id, c.packetId(), code(c.reasonCode()));
      }
      case SUBSCRIBE -> {
        LOG.debug("Received SUBSCRIBE from {}", id);
        for (Subscription s : ((Subscribe) packet).subscriptions()) {
          LOG.debug("\t{} (QoS {})", s.filter().value(), s.maxQos().code());
        }
      }
      case UNSUBSCRIBE -> {
        LOG.debug("Received UNSUBSCRIBE from {}", id);
        for (TopicFilter f : ((Unsubscribe) packet).filters()) {
          LOG.debug("\t{}", f.value());
        }
      }
      default -> LOG.debug("Received {} from {}", packet.type(), id);
    }
  }

  private static void sending(ChannelHandlerContext ctx, MqttPacket packet) {
    String id = who(ctx);
    switch (packet.type()) {
      case CONNACK -> {
        Connack c = (Connack) packet;
        MqttConnection conn = ctx.pipeline().get(MqttConnection.class);
        // 3.1.1 has its own return codes (bad user name or password is 4, not 0x86)
        int rc =
            conn != null && !conn.isV5() ? c.reasonCode().v3ConnackCode() : code(c.reasonCode());
        LOG.debug("Sending CONNACK to {} ({}, {})", id, c.sessionPresent() ? 1 : 0, rc);
      }
      case PUBACK -> {
        Puback a = (Puback) packet;
        LOG.debug("Sending PUBACK to {} (m{}, rc{})", id, a.packetId(), code(a.reasonCode()));
      }
      case PUBREC -> {
        Pubrec r = (Pubrec) packet;
        LOG.debug("Sending PUBREC to {} (m{}, rc{})", id, r.packetId(), code(r.reasonCode()));
      }
      case PUBREL -> LOG.debug("Sending PUBREL to {} (m{})", id, ((Pubrel) packet).packetId());
      case PUBCOMP -> LOG.debug("Sending PUBCOMP to {} (m{})", id, ((Pubcomp) packet).packetId());
      case DISCONNECT ->
          LOG.debug("Sending DISCONNECT to {} ({})", id, code(((Disconnect) packet).reasonCode()));
      default -> LOG.debug("Sending {} to {}", packet.type(), id);
    }
  }

  /** An outgoing PUBLISH, from the writer (it knows the topic of a pre-encoded one). */
  static void sendingPublish(
      String id, boolean dup, int qos, boolean retain, int packetId, String topic, int bytes) {
    publish("Sending", "to", id, dup, qos, retain, packetId, topic, bytes);
  }

  private static void publish(
      String verb,
      String preposition,
      String id,
      boolean dup,
      int qos,
      boolean retain,
      int packetId,
      String topic,
      int bytes) {
    // The payload itself never: only its size, as mosquitto does.
    LOG.debug(
        "{} PUBLISH {} {} (d{}, q{}, r{}, m{}, '{}', ... ({} bytes))",
        verb,
        preposition,
        id,
        dup ? 1 : 0,
        qos,
        retain ? 1 : 0,
        packetId,
        topic,
        bytes);
  }

  private static int code(ReasonCode r) {
    return r.code();
  }
}
