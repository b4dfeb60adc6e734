package dev.mqttls.testing;

import java.util.HexFormat;

/** Hex text to bytes and back, for spelling packets out in tests: {@code "10 0c 00 04 4d 51"}. */
public final class Hex {
  private static final HexFormat FORMAT = HexFormat.of();

  private Hex() {}

  /**
   * Decodes hex digits; spaces, newlines, {@code _} and {@code |} are ignored so a test can group
   * bytes by field.
   */
  public static byte[] decode(String hex) {
    String digits = hex.replaceAll("[\\s_|]", "");
    return FORMAT.parseHex(digits);
  }

  /** Lower-case hex with a space between bytes. */
  public static String encode(byte[] bytes) {
    return encode(bytes, 0, bytes.length);
  }

  /** Lower-case hex of {@code bytes[from, to)} with a space between bytes. */
  public static String encode(byte[] bytes, int from, int to) {
    StringBuilder out = new StringBuilder(Math.max(0, (to - from) * 3));
    for (int i = from; i < to; i++) {
      if (i > from) {
        out.append(' ');
      }
      out.append(FORMAT.toHexDigits(bytes[i]));
    }
    return out.toString();
  }
}
