package dev.mqttls.codec.internal;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Strict decoding of MQTT UTF-8 strings straight from a buffer: well-formed UTF-8 only (no overlong
 * forms, no surrogates, nothing above U+10FFFF) and no U+0000 (MQTT 5 section 1.5.4).
 */
public final class Utf8Decoder {
  private Utf8Decoder() {}

  private static final ByteProcessor ASCII_NOT_NUL = b -> b > 0;

  /** Marker results of {@link #check}. */
  public static final int OK = 0;

  /** The bytes are not well-formed UTF-8. */
  public static final int INVALID = 1;

  /** The bytes contain U+0000. */
  public static final int NUL = 2;

  /**
   * Checks {@code len} bytes at {@code index} as an MQTT string: {@link #OK}, {@link #INVALID} or
   * {@link #NUL}.
   */
  public static int check(ByteBuf buf, int index, int len) {
    return scan(buf, index, len, false);
  }

  /**
   * Whether {@code len} bytes at {@code index} are well-formed UTF-8, U+0000 included: the rule for
   * a payload with Payload Format Indicator 1.
   */
  public static boolean isWellFormed(ByteBuf buf, int index, int len) {
    return scan(buf, index, len, true) == OK;
  }

  private static int scan(ByteBuf buf, int index, int len, boolean nulAllowed) {
    if (len == 0) {
      return OK;
    }
    // Fast path: most MQTT strings are ASCII; forEachByte scans without per-byte bounds checks.
    int i = buf.forEachByte(index, len, ASCII_NOT_NUL);
    if (i < 0) {
      return OK;
    }
    int end = index + len;
    while (i < end) {
      int b = buf.getByte(i) & 0xFF;
      if (b < 0x80) {
        if (b == 0 && !nulAllowed) {
          return NUL;
        }
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) {
          lo = 0xA0; // overlong
        } else if (b == 0xED) {
          hi = 0x9F; // surrogates U+D800..U+DFFF
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) {
          lo = 0x90; // overlong
        } else if (b == 0xF4) {
          hi = 0x8F; // above U+10FFFF
        }
      } else {
        return INVALID;
      }
      if (i + need >= end) {
        return INVALID; // truncated sequence
      }
      int c1 = buf.getByte(i + 1) & 0xFF;
      if (c1 < lo || c1 > hi) {
        return INVALID;
      }
      for (int k = 2; k <= need; k++) {
        int c = buf.getByte(i + k) & 0xFF;
        if (c < 0x80 || c > 0xBF) {
          return INVALID;
        }
      }
      i += need + 1;
    }
    return OK;
  }

  /** Whether all {@code len} bytes at {@code index} are ASCII. */
  static boolean isAscii(ByteBuf buf, int index, int len) {
    for (int i = index, end = index + len; i < end; i++) {
      if (buf.getByte(i) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Decodes bytes already checked by {@link #check}. */
  public static String decode(ByteBuf buf, int index, int len) {
    if (len == 0) {
      return "";
    }
    return buf.toString(index, len, StandardCharsets.UTF_8);
  }
}
