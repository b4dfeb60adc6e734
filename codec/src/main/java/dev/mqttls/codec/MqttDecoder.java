package dev.mqttls.codec;

import dev.mqttls.codec.internal.DecodeException;
import dev.mqttls.codec.internal.PacketDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Turns bytes from one connection into {@link MqttPacket}s, strictly. Create one per channel with
 * {@link #forServer} (decodes what clients send) or {@link #forClient} (what servers send); it is
 * not {@code Sharable} and holds the connection's protocol version.
 *
 * <p>It frames first: the remaining length is read (at most 4 bytes, minimally encoded) and the
 * whole packet size checked against {@link DecoderLimits#maxPacketSize()} before any of the body is
 * waited for, so an oversized packet is refused without buffering it. Then the body is decoded and
 * every rule the MQTT 3.1.1 and 5.0 specifications call a malformed packet or protocol error is
 * checked (reserved flags, QoS 3, DUP with QoS 0, UTF-8 validity, wildcards in topic names,
 * duplicate or misplaced properties, trailing bytes, packet id 0, a packet from the wrong
 * direction, a first packet that is not CONNECT/CONNACK, a second CONNECT, ...).
 *
 * <p>On the first violation it passes exactly one {@link MalformedPacket} downstream, with the
 * reason code the specification assigns, and from then on discards all input: the handler answers
 * with CONNACK or DISCONNECT as the version allows and closes the connection.
 *
 * <p>The server side learns the protocol version from the CONNECT it decodes ({@link #version()});
 * the client side is told it ({@link #setVersion}) before the CONNACK arrives. A {@link Publish}
 * passed on holds a retained slice of the network buffer; the receiver releases it.
 */
public final class MqttDecoder extends ByteToMessageDecoder {
  private final boolean server;
  private final PacketDecoder packets;
  private DecoderLimits limits;
  private MqttVersion version;
  private boolean connected;
  private boolean failed;

  private MqttDecoder(boolean server, DecoderLimits limits, MqttVersion version) {
    this.server = server;
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
    this.version = version;
    this.packets = new PacketDecoder(server);
  }

  /** A decoder for a broker's connection: the first packet must be CONNECT. */
  public static MqttDecoder forServer(DecoderLimits limits) {
    return new MqttDecoder(true, limits, null);
  }

  /** A decoder for a client's connection speaking MQTT 3.1.1 until {@link #setVersion}. */
  public static MqttDecoder forClient(DecoderLimits limits) {
    return new MqttDecoder(false, limits, MqttVersion.V3_1_1);
  }

  /** A decoder for a client's connection that sent a CONNECT of {@code version}. */
  public static MqttDecoder forClient(DecoderLimits limits, MqttVersion version) {
    return new MqttDecoder(false, limits, java.util.Objects.requireNonNull(version, "version"));
  }

  /**
   * The connection's protocol version: on the server side {@code null} until a CONNECT has been
   * decoded. When a CONNECT is refused, this is the version it announced if its protocol name and
   * level were readable and known, so that the refusal (CONNACK with the reason) can be sent in
   * that version; {@code null} for an unknown protocol (answer with the 3.1.1 CONNACK code 1).
   */
  public MqttVersion version() {
    return version;
  }

  /** Sets the protocol version (client side: the version of the CONNECT it sent). */
  public void setVersion(MqttVersion version) {
    this.version = java.util.Objects.requireNonNull(version, "version");
  }

  /** The limits in force. */
  public DecoderLimits limits() {
    return limits;
  }

  /** Replaces the limits, for packets not yet framed. */
  public void setLimits(DecoderLimits limits) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
  }

  /** Whether a violation has been reported and input is being discarded. */
  public boolean hasFailed() {
    return failed;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    int readable = in.readableBytes();
    if (readable < 2) {
      return;
    }
    int first = in.getUnsignedByte(start);
    PacketType type = PacketType.of(first >> 4);
    // Remaining length: a variable byte integer of at most 4 bytes (MQTT 5 section 1.5.5).
    int remaining = 0;
    int shift = 0;
    int headerLength = 1;
    while (true) {
      if (headerLength >= readable) {
        return; // the remaining length is not complete yet
      }
      int b = in.getUnsignedByte(start + headerLength);
      headerLength++;
      remaining |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (headerLength > 2 && b == 0) {
          fail(
              in,
              out,
              ReasonCode.MALFORMED_PACKET,
              "remaining length is not minimally encoded",
              type);
          return;
        }
        break;
      }
      if (headerLength == 5) {
        fail(in, out, ReasonCode.MALFORMED_PACKET, "remaining length is longer than 4 bytes", type);
        return;
      }
      shift += 7;
    }
    if (type == null) {
      fail(in, out, ReasonCode.MALFORMED_PACKET, "reserved packet type 0", null);
      return;
    }
    long size = (long) headerLength + remaining;
    if (size > limits.maxPacketSize()) {
      fail(
          in,
          out,
          ReasonCode.PACKET_TOO_LARGE,
          type + " of " + size + " bytes exceeds the maximum packet size " + limits.maxPacketSize(),
          type);
      return;
    }
    String problem = checkFixedHeader(type, first & 0x0F);
    if (problem != null) {
      ReasonCode reason =
          problem.startsWith("!") ? ReasonCode.PROTOCOL_ERROR : ReasonCode.MALFORMED_PACKET;
      fail(in, out, reason, problem.startsWith("!") ? problem.substring(1) : problem, type);
      return;
    }
    if (readable < size) {
      return;
    }
    MqttPacket packet;
    try {
      packet = packets.decode(in, type, first & 0x0F, start + headerLength, remaining, version);
    } catch (DecodeException e) {
      if (type == PacketType.CONNECT && version == null) {
        // Lets the handler answer a refused CONNECT in the client's own version.
        version = packets.announcedVersion();
      }
      fail(in, out, e.reason(), e.getMessage(), type);
      return;
    } catch (IllegalArgumentException e) {
      // A value type refused what the wire checks let through: still the peer's bad input, so it
      // closes this connection only. The "unchecked" prefix lets tests find such gaps.
      fail(in, out, ReasonCode.MALFORMED_PACKET, "unchecked: " + e.getMessage(), type);
      return;
    }
    in.readerIndex(start + (int) size);
    if (type == PacketType.CONNECT) {
      version = ((Connect) packet).version();
    }
    connected = true;
    out.add(packet);
  }

  /**
   * What is wrong with the fixed header's type and flags for this side and state, or {@code null}.
   * A leading {@code !} marks a protocol error rather than a malformed packet.
   */
  private String checkFixedHeader(PacketType type, int flags) {
    if (server) {
      if (!connected && type != PacketType.CONNECT) {
        return "!first packet must be CONNECT, was " + type;
      }
      if (connected && type == PacketType.CONNECT) {
        return "!second CONNECT on the connection";
      }
    } else if (!connected && type != PacketType.CONNACK && type != PacketType.AUTH) {
      return "!first packet from the server must be CONNACK, was " + type;
    }
    boolean v5 = version == MqttVersion.V5;
    if (type == PacketType.AUTH && !v5 && version != null) {
      return "reserved packet type 15 (AUTH exists only in MQTT 5)";
    }
    if (server ? !fromClient(type) : !fromServer(type, v5)) {
      return "!" + type + " is not sent by a " + (server ? "client" : "server");
    }
    switch (type) {
      case PUBLISH:
        return null; // DUP/QoS/RETAIN, checked while decoding
      case PUBREL:
      case SUBSCRIBE:
      case UNSUBSCRIBE:
        return flags == 0x02 ? null : "reserved fixed header flags of " + type + " are not 0010";
      default:
        return flags == 0 ? null : "reserved fixed header flags of " + type + " are not 0000";
    }
  }

  private static boolean fromClient(PacketType t) {
    switch (t) {
      case CONNACK:
      case SUBACK:
      case UNSUBACK:
      case PINGRESP:
        return false;
      default:
        return true;
    }
  }

  private static boolean fromServer(PacketType t, boolean v5) {
    switch (t) {
      case CONNECT:
      case SUBSCRIBE:
      case UNSUBSCRIBE:
      case PINGREQ:
        return false;
      case DISCONNECT:
        return v5;
      default:
        return true;
    }
  }

  private void fail(
      ByteBuf in, List<Object> out, ReasonCode reason, String cause, PacketType type) {
    failed = true;
    in.skipBytes(in.readableBytes());
    out.add(new MalformedPacket(reason, cause, type));
  }
}
