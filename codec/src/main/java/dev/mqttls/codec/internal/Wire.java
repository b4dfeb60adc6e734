package dev.mqttls.codec.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Primitive MQTT encodings: variable byte integers, length-prefixed strings and binary data. */
public final class Wire {
  private Wire() {}

  /** Bytes a variable byte integer takes (1..4). */
  public static int varIntSize(int value) {
    if (value < 128) {
      return 1;
    }
    if (value < 16_384) {
      return 2;
    }
    if (value < 2_097_152) {
      return 3;
    }
    return 4;
  }

  /** Writes a variable byte integer (MQTT 5 section 1.5.5). */
  public static void writeVarInt(ByteBuf out, int value) {
    do {
      int b = value & 0x7F;
      value >>>= 7;
      if (value > 0) {
        b |= 0x80;
      }
      out.writeByte(b);
    } while (value > 0);
  }

  /** Bytes a length-prefixed UTF-8 string takes. */
  public static int stringSize(String s) {
    return 2 + ByteBufUtil.utf8Bytes(s);
  }

  /** Writes a length-prefixed UTF-8 string. */
  public static void writeString(ByteBuf out, String s) {
    // Exact reservation: writeUtf8 alone would reserve 3 bytes per char and grow the buffer.
    int n = ByteBufUtil.utf8Bytes(s);
    out.writeShort(n);
    ByteBufUtil.reserveAndWriteUtf8(out, s, n);
  }

  /** Writes length-prefixed binary data. */
  public static void writeBinary(ByteBuf out, byte[] data) {
    out.writeShort(data.length);
    out.writeBytes(data);
  }

  /** The UTF-8 bytes of {@code s} with their 2-byte length prefix. */
  public static byte[] prefixedUtf8(String s) {
    byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = new byte[utf8.length + 2];
    out[0] = (byte) (utf8.length >>> 8);
    out[1] = (byte) utf8.length;
    System.arraycopy(utf8, 0, out, 2, utf8.length);
    return out;
  }
}
