package dev.mqttls.codec.internal;

/** Checks on Java strings that must become MQTT UTF-8 encoded strings (MQTT 5 section 1.5.4). */
public final class Utf8 {
  private Utf8() {}

  /**
   * What is wrong with {@code s} as an MQTT string, or {@code null} when it is fine: it must not
   * contain U+0000 or an unpaired surrogate, and its UTF-8 form must fit in 65535 bytes.
   */
  public static String problem(String s) {
    if (s == null) {
      return "is missing";
    }
    int n = s.length();
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == 0) {
          return "contains U+0000";
        }
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return "contains an unpaired surrogate";
        }
        i++;
        bytes += 4;
      } else if (Character.isLowSurrogate(c)) {
        return "contains an unpaired surrogate";
      } else {
        bytes += 3;
      }
    }
    if (bytes > 65535) {
      return "is longer than 65535 bytes in UTF-8";
    }
    return null;
  }

  /** Throws {@link IllegalArgumentException} naming {@code what} if {@code s} is not valid. */
  public static String requireValid(String s, String what) {
    String p = problem(s);
    if (p != null) {
      throw new IllegalArgumentException(what + " " + p);
    }
    return s;
  }

  /** The number of bytes of {@code s} in UTF-8 (assumes {@link #problem} found nothing). */
  public static int encodedLength(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c)) {
          bytes += 2;
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }

  /**
   * {@code s} made safe for a log line: control characters replaced by {@code ?} and cut to 64
   * characters, since peer-supplied strings can be up to 65535 bytes.
   */
  public static String shown(String s) {
    int n = Math.min(s.length(), 64);
    StringBuilder sb = new StringBuilder(n + 3);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || (c >= 0x7F && c < 0xA0) ? '?' : c);
    }
    if (s.length() > n) {
      sb.append("...");
    }
    return sb.toString();
  }
}
