package dev.mqttls.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;

/** Test helpers for spelling packets out byte by byte. */
final class Bytes {
  private Bytes() {}

  /**
   * Bytes from ints and strings: ints are single bytes, strings contribute their UTF-8 bytes as is
   * (no length prefix), so a packet reads like the specification's tables.
   */
  static byte[] bytes(Object... parts) {
    ByteBuf b = Unpooled.buffer();
    for (Object p : parts) {
      if (p instanceof Integer i) {
        b.writeByte(i);
      } else if (p instanceof String s) {
        b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else if (p instanceof byte[] a) {
        b.writeBytes(a);
      } else {
        throw new IllegalArgumentException(String.valueOf(p));
      }
    }
    return ByteBufUtil.getBytes(b);
  }

  /** The readable bytes of {@code buf}, which is released. */
  static byte[] drain(ByteBuf buf) {
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** Writes {@code data} into the channel and returns the first message that came out, or null. */
  static Object feed(EmbeddedChannel ch, byte[] data) {
    ch.writeInbound(Unpooled.wrappedBuffer(data));
    return ch.readInbound();
  }

  /** Minimal MQTT 3.1.1 CONNECT, client id "c", clean session, keep-alive 60. */
  static final byte[] CONNECT_311 =
      bytes(
          0x10, 13, // CONNECT, remaining length 13
          0x00, 4, "MQTT", // protocol name
          4, // level 4 = 3.1.1
          0x02, // clean session
          0x00, 60, // keep alive
          0x00, 1, "c"); // client id

  /** Minimal MQTT 5 CONNECT, client id "c", clean start, keep-alive 60, no properties. */
  static final byte[] CONNECT_5 =
      bytes(
          0x10, 14, // CONNECT, remaining length 14
          0x00, 4, "MQTT", // protocol name
          5, // level 5
          0x02, // clean start
          0x00, 60, // keep alive
          0x00, // property length 0
          0x00, 1, "c"); // client id

  /** A server-side decoder channel that has accepted a minimal CONNECT of {@code version}. */
  static EmbeddedChannel connectedServer(MqttVersion version) {
    return connectedServer(version, DecoderLimits.DEFAULT);
  }

  static EmbeddedChannel connectedServer(MqttVersion version, DecoderLimits limits) {
    EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forServer(limits));
    Object c = feed(ch, version == MqttVersion.V5 ? CONNECT_5 : CONNECT_311);
    if (!(c instanceof Connect connect) || connect.version() != version) {
      throw new AssertionError("CONNECT not decoded: " + c);
    }
    return ch;
  }

  /** A client-side decoder channel for {@code version} that has received a successful CONNACK. */
  static EmbeddedChannel connectedClient(MqttVersion version) {
    EmbeddedChannel ch = new EmbeddedChannel(MqttDecoder.forClient(DecoderLimits.DEFAULT, version));
    byte[] connack =
        version == MqttVersion.V5 ? bytes(0x20, 3, 0x00, 0x00, 0x00) : bytes(0x20, 2, 0x00, 0x00);
    Object c = feed(ch, connack);
    if (!(c instanceof Connack)) {
      throw new AssertionError("CONNACK not decoded: " + c);
    }
    return ch;
  }
}
