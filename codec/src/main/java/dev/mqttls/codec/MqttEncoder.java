package dev.mqttls.codec;

import dev.mqttls.codec.internal.PacketEncoder;
import dev.mqttls.codec.internal.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Encodes {@link MqttPacket}s written to a channel into bytes, for one connection (not {@code
 * Sharable}: it holds the connection's protocol version and the peer's Maximum Packet Size, and is
 * used only from the channel's event loop).
 *
 * <p>{@link ByteBuf}s written to it (for example from {@link EncodedPublish#forSubscriber}) pass
 * through unchanged. A {@link Publish} whose payload is at least {@link
 * EncodedPublish#SHARE_THRESHOLD} bytes is written without copying the payload (a composite of a
 * small header and a retained slice of it); smaller ones are copied, which is cheaper than a
 * composite.
 *
 * <p>MQTT 5 Maximum Packet Size: a packet larger than {@link #setMaximumPacketSize(long)} is not
 * sent. For packets other than PUBLISH the Reason String and User Properties are dropped first, as
 * the specification says; a PUBLISH that is still too large fails the write's promise with {@link
 * PacketTooLargeException} (and is released).
 */
public final class MqttEncoder extends ChannelOutboundHandlerAdapter {
  private MqttVersion version;
  private long maximumPacketSize = DecoderLimits.PROTOCOL_MAX_PACKET_SIZE;

  /** An encoder for {@code version}; a server learns the version from CONNECT and sets it then. */
  public MqttEncoder(MqttVersion version) {
    this.version = version;
  }

  /** An encoder for MQTT 3.1.1 until {@link #setVersion} says otherwise. */
  public MqttEncoder() {
    this(MqttVersion.V3_1_1);
  }

  /** The protocol version packets are encoded for. */
  public MqttVersion version() {
    return version;
  }

  /** Sets the protocol version packets are encoded for from now on. */
  public void setVersion(MqttVersion version) {
    this.version = java.util.Objects.requireNonNull(version, "version");
  }

  /** Sets the peer's Maximum Packet Size (MQTT 5; 1..4294967295). */
  public void setMaximumPacketSize(long maximumPacketSize) {
    if (maximumPacketSize < 1 || maximumPacketSize > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("maximum packet size out of range: " + maximumPacketSize);
    }
    this.maximumPacketSize = maximumPacketSize;
  }

  /** The peer's Maximum Packet Size in force. */
  public long maximumPacketSize() {
    return maximumPacketSize;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof MqttPacket)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf out;
    try {
      out = encode((MqttPacket) msg, ctx.alloc());
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(e);
      return;
    }
    ReferenceCountUtil.release(msg);
    ctx.write(out, promise);
  }

  /**
   * Encodes for this channel's version and the peer's maximum; does not release {@code packet}.
   *
   * @throws PacketTooLargeException if the packet cannot be made to fit
   */
  ByteBuf encode(MqttPacket packet, ByteBufAllocator alloc) {
    MqttPacket p = packet;
    int rl = PacketEncoder.remainingLength(p, version);
    int size = 1 + Wire.varIntSize(rl) + rl;
    if (size > maximumPacketSize) {
      if (p.type() != PacketType.PUBLISH && version == MqttVersion.V5) {
        p = withoutDiagnostics(p);
        rl = PacketEncoder.remainingLength(p, version);
        size = 1 + Wire.varIntSize(rl) + rl;
      }
      if (size > maximumPacketSize) {
        throw new PacketTooLargeException(p.type(), size, maximumPacketSize);
      }
    }
    if (p instanceof Publish pub
        && pub.payload().readableBytes() >= EncodedPublish.SHARE_THRESHOLD) {
      ByteBuf payload = pub.payload();
      ByteBuf head = alloc.buffer(size - payload.readableBytes());
      PacketEncoder.write(head, p, version, false, rl);
      CompositeByteBuf c = alloc.compositeBuffer(2);
      c.addComponents(true, head, payload.retainedSlice());
      return c;
    }
    ByteBuf out = alloc.buffer(size);
    PacketEncoder.write(out, p, version, true, rl);
    return out;
  }

  /**
   * Encodes {@code packet} for {@code version} into one new buffer (payload copied). Does not
   * release {@code packet}.
   *
   * @throws IllegalArgumentException if the packet cannot be expressed in that version (AUTH in
   *     3.1.1, a CONNACK reason without a 3.1.1 return code)
   */
  public static ByteBuf encode(MqttPacket packet, MqttVersion version, ByteBufAllocator alloc) {
    int rl = PacketEncoder.remainingLength(packet, version);
    ByteBuf out = alloc.buffer(1 + Wire.varIntSize(rl) + rl);
    try {
      PacketEncoder.write(out, packet, version, true, rl);
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
    return out;
  }

  /** The size {@code packet} has on the wire in {@code version}, fixed header included. */
  public static int encodedSize(MqttPacket packet, MqttVersion version) {
    return PacketEncoder.packetSize(packet, version);
  }

  /** The packet with Reason String and User Properties removed (MQTT 5 section 3.1.2.24). */
  static MqttPacket withoutDiagnostics(MqttPacket p) {
    switch (p.type()) {
      case CONNACK:
        {
          Connack c = (Connack) p;
          return new Connack(
              c.sessionPresent(), c.reasonCode(), c.properties().withoutDiagnostics());
        }
      case PUBACK:
        {
          Puback a = (Puback) p;
          return new Puback(a.packetId(), a.reasonCode(), a.properties().withoutDiagnostics());
        }
      case PUBREC:
        {
          Pubrec a = (Pubrec) p;
          return new Pubrec(a.packetId(), a.reasonCode(), a.properties().withoutDiagnostics());
        }
      case PUBREL:
        {
          Pubrel a = (Pubrel) p;
          return new Pubrel(a.packetId(), a.reasonCode(), a.properties().withoutDiagnostics());
        }
      case PUBCOMP:
        {
          Pubcomp a = (Pubcomp) p;
          return new Pubcomp(a.packetId(), a.reasonCode(), a.properties().withoutDiagnostics());
        }
      case SUBACK:
        {
          Suback a = (Suback) p;
          return new Suback(a.packetId(), a.reasonCodes(), a.properties().withoutDiagnostics());
        }
      case UNSUBACK:
        {
          Unsuback a = (Unsuback) p;
          return new Unsuback(a.packetId(), a.reasonCodes(), a.properties().withoutDiagnostics());
        }
      case DISCONNECT:
        {
          Disconnect d = (Disconnect) p;
          return new Disconnect(d.reasonCode(), d.properties().withoutDiagnostics());
        }
      case AUTH:
        {
          Auth a = (Auth) p;
          return new Auth(a.reasonCode(), a.properties().withoutDiagnostics());
        }
      default:
        return p;
    }
  }
}
