package dev.mqttls.doctor.internal;

import java.io.ByteArrayOutputStream;

/**
 * Reads what the server chose from its plaintext handshake messages as they arrived on the wire:
 * the ServerHello (version, cipher suite, TLS 1.3 key share group, HelloRetryRequest) and, for TLS
 * 1.2, the ECDHE curve in the ServerKeyExchange. Bounded and lenient: anything it cannot parse is
 * left unknown.
 */
final class ServerHelloParser {
  private ServerHelloParser() {}

  /** What the server chose; -1 for unknown. */
  record Choice(int version, int suite, int group, boolean helloRetry) {}

  private static final byte[] HRR_RANDOM =
      hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

  static Choice parse(byte[] wire) {
    ByteArrayOutputStream hs = new ByteArrayOutputStream();
    int i = 0;
    // Concatenate plaintext handshake records until anything else (ChangeCipherSpec, encrypted).
    while (i + 5 <= wire.length && (wire[i] & 0xFF) == 0x16) {
      int len = u16(wire, i + 3);
      if (i + 5 + len > wire.length) {
        hs.write(wire, i + 5, wire.length - i - 5);
        break;
      }
      hs.write(wire, i + 5, len);
      i += 5 + len;
    }
    byte[] h = hs.toByteArray();
    int version = -1;
    int suite = -1;
    int group = -1;
    boolean hrr = false;
    int p = 0;
    for (int guard = 0; guard < 32 && p + 4 <= h.length; guard++) {
      int type = h[p] & 0xFF;
      int len = ((h[p + 1] & 0xFF) << 16) | u16(h, p + 2);
      int body = p + 4;
      if (body + len > h.length) {
        break;
      }
      if (type == 2 && len >= 38) {
        version = u16(h, body);
        hrr =
            java.util.Arrays.equals(
                java.util.Arrays.copyOfRange(h, body + 2, body + 34), HRR_RANDOM);
        int sid = h[body + 34] & 0xFF;
        int q = body + 35 + sid;
        if (q + 3 > body + len) {
          break;
        }
        suite = u16(h, q);
        q += 3;
        if (q + 2 <= body + len) {
          int extEnd = Math.min(body + len, q + 2 + u16(h, q));
          q += 2;
          while (q + 4 <= extEnd) {
            int et = u16(h, q);
            int el = u16(h, q + 2);
            if (et == 0x002b && el == 2) {
              version = u16(h, q + 4);
            } else if (et == 0x0033 && el >= 2) {
              group = u16(h, q + 4);
            }
            q += 4 + el;
          }
        }
      } else if (type == 12 && len >= 3 && (h[body] & 0xFF) == 3) {
        group = u16(h, body + 1);
      }
      p = body + len;
    }
    return new Choice(version, suite, group, hrr);
  }

  private static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  private static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
