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
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

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
 * <p>An {@link EncodedPublish.Delivery} is one subscriber's PUBLISH from a shared encoding; with
 * {@link #setCoalescing coalescing} on, small packets and deliveries between two flushes share one
 * buffer.
 *
 * <p>MQTT 5 Maximum Packet Size: a packet larger than {@link #setMaximumPacketSize(long)} is not
 * sent. For packets other than PUBLISH the Reason String and User Properties are dropped first, as
 * the specification says; a PUBLISH that is still too large fails the write's promise with {@link
 * PacketTooLargeException} (and is released).
 */
public final class MqttEncoder extends ChannelOutboundHandlerAdapter {
  /** Size of the buffer small packets are coalesced into. */
  static final int COALESCE_CAPACITY = 8192;

  private MqttVersion version;
  private long maximumPacketSize = DecoderLimits.PROTOCOL_MAX_PACKET_SIZE;
  private boolean coalescing;
  private ByteBuf pending;
  private final List<ChannelPromise> pendingPromises = new ArrayList<>();
  private int fittedRemaining;

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

  /**
   * Turns coalescing on or off (off by default). When on, small packets written between two flushes
   * are encoded into one pooled buffer that is passed on at the flush (or when full, or before
   * anything that is not encoded here), instead of one buffer per packet: fewer allocations and
   * fewer, larger writes to the socket or TLS engine. Order is always kept. Each write's promise
   * completes when the buffer holding its packet is written.
   */
  public void setCoalescing(boolean coalescing) {
    this.coalescing = coalescing;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof EncodedPublish.Delivery d) {
      writeDelivery(ctx, d, promise);
      return;
    }
    if (!(msg instanceof MqttPacket)) {
      flushPending(ctx);
      ctx.write(msg, promise);
      return;
    }
    MqttPacket p;
    int rl;
    try {
      p = fit((MqttPacket) msg);
      rl = fittedRemaining;
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(e);
      return;
    }
    int size = 1 + Wire.varIntSize(rl) + rl;
    boolean large =
        p instanceof Publish pub && pub.payload().readableBytes() >= EncodedPublish.SHARE_THRESHOLD;
    if (coalescing && !large && size <= COALESCE_CAPACITY) {
      ByteBuf out = pendingWithRoom(ctx, size);
      PacketEncoder.write(out, p, version, true, rl);
      ReferenceCountUtil.release(msg);
      addPendingPromise(promise);
      return;
    }
    ByteBuf out = encodeFitted(p, rl, size, ctx.alloc());
    ReferenceCountUtil.release(msg);
    flushPending(ctx);
    ctx.write(out, promise);
  }

  private void writeDelivery(
      ChannelHandlerContext ctx, EncodedPublish.Delivery d, ChannelPromise promise) {
    try {
      if (d.version() != version) {
        throw new IllegalArgumentException(
            "a delivery encoded for " + d.version() + " on a " + version + " connection");
      }
      int size = d.encodedSize();
      if (size > maximumPacketSize) {
        throw new PacketTooLargeException(PacketType.PUBLISH, size, maximumPacketSize);
      }
      if (coalescing && !d.sharesPayload() && size <= COALESCE_CAPACITY) {
        d.writeTo(pendingWithRoom(ctx, size));
        addPendingPromise(promise);
      } else {
        ByteBuf out = d.toBuffer(ctx.alloc());
        flushPending(ctx);
        ctx.write(out, promise);
      }
    } catch (RuntimeException e) {
      promise.setFailure(e);
    } finally {
      d.release();
    }
  }

  private ByteBuf pendingWithRoom(ChannelHandlerContext ctx, int size) {
    if (pending != null && pending.writableBytes() < size) {
      flushPending(ctx);
    }
    if (pending == null) {
      pending = ctx.alloc().buffer(COALESCE_CAPACITY, COALESCE_CAPACITY);
    }
    return pending;
  }

  private void addPendingPromise(ChannelPromise promise) {
    if (!promise.isVoid()) {
      pendingPromises.add(promise);
    }
  }

  /** Passes the coalesced packets on, completing their promises when that write completes. */
  private void flushPending(ChannelHandlerContext ctx) {
    if (pending == null) {
      return;
    }
    ByteBuf out = pending;
    pending = null;
    if (pendingPromises.isEmpty()) {
      ctx.write(out, ctx.voidPromise());
      return;
    }
    ChannelPromise[] promises = pendingPromises.toArray(new ChannelPromise[0]);
    pendingPromises.clear();
    ctx.write(out)
        .addListener(
            f -> {
              for (ChannelPromise p : promises) {
                if (f.isSuccess()) {
                  p.trySuccess();
                } else {
                  p.tryFailure(f.cause());
                }
              }
            });
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    flushPending(ctx);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    discardPending();
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    discardPending();
  }

  /** Unflushed packets are lost on close, as Netty's own outbound buffer loses them. */
  private void discardPending() {
    if (pending != null) {
      pending.release();
      pending = null;
      ClosedChannelException closed = new ClosedChannelException();
      for (ChannelPromise p : pendingPromises) {
        p.tryFailure(closed);
      }
      pendingPromises.clear();
    }
  }

  /**
   * The packet as it will be sent: within the peer's maximum (MQTT 5: diagnostics dropped if
   * needed), its remaining length left in {@link #fittedRemaining}.
   *
   * @throws PacketTooLargeException if it cannot be made to fit
   */
  private MqttPacket fit(MqttPacket packet) {
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
    fittedRemaining = rl;
    return p;
  }

  /**
   * Encodes for this channel's version and the peer's maximum; does not release {@code packet}.
   *
   * @throws PacketTooLargeException if the packet cannot be made to fit
   */
  ByteBuf encode(MqttPacket packet, ByteBufAllocator alloc) {
    MqttPacket p = fit(packet);
    int rl = fittedRemaining;
    return encodeFitted(p, rl, 1 + Wire.varIntSize(rl) + rl, alloc);
  }

  private ByteBuf encodeFitted(MqttPacket p, int rl, int size, ByteBufAllocator alloc) {
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
