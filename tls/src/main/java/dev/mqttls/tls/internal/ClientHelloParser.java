package dev.mqttls.tls.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a ClientHello from the first TLS records of a connection without consuming them, so the
 * bytes can then be handed to the chosen engine. Bounded: a ClientHello larger than {@link
 * #MAX_HELLO} is refused as malformed. See RFC 8446 section 4.1.2 and RFC 5246 section 7.4.1.2.
 */
public final class ClientHelloParser {
  /** Larger ClientHellos (post-quantum key shares included) are not expected from devices. */
  public static final int MAX_HELLO = 32 * 1024;

  /** The outcome of looking at the bytes so far. */
  public sealed interface Result {}

  /** More bytes are needed. */
  public record NeedMore() implements Result {}

  /** A complete ClientHello. */
  public record Complete(ClientHello hello) implements Result {}

  /** The bytes are TLS records but not a well-formed ClientHello. */
  public record Malformed(String why) implements Result {}

  private static final NeedMore NEED_MORE = new NeedMore();

  private ClientHelloParser() {}

  /** Whether the first bytes look like a TLS handshake record (content type 22, major 3). */
  public static boolean looksLikeTls(ByteBuf in) {
    int i = in.readerIndex();
    if (in.readableBytes() < 1) {
      return false;
    }
    if (in.getUnsignedByte(i) != 22) {
      return false;
    }
    return in.readableBytes() < 2 || in.getUnsignedByte(i + 1) == 3;
  }

  /**
   * Parses the ClientHello starting at the reader index, reassembling it across records. Does not
   * move the reader index.
   */
  public static Result parse(ByteBuf in) {
    int idx = in.readerIndex();
    int end = in.writerIndex();
    byte[] hs = null;
    int hsLen = -1;
    int have = 0;
    while (true) {
      if (end - idx < 5) {
        return NEED_MORE;
      }
      int type = in.getUnsignedByte(idx);
      int major = in.getUnsignedByte(idx + 1);
      int len = in.getUnsignedShort(idx + 3);
      if (type != 22 || major != 3) {
        return new Malformed("record type " + type + " where a handshake record was expected");
      }
      if (len == 0 || len > 16384 + 2048) {
        return new Malformed("record length " + len + " out of range");
      }
      if (end - idx - 5 < len) {
        return NEED_MORE;
      }
      int frag = idx + 5;
      if (hs == null) {
        if (len < 4) {
          // The 4-byte handshake header itself is split: rare, reassemble naively.
          return new Malformed("handshake header split across records");
        }
        if (in.getUnsignedByte(frag) != 1) {
          return new Malformed("first handshake message is not a ClientHello");
        }
        hsLen = in.getUnsignedMedium(frag + 1);
        if (hsLen > MAX_HELLO) {
          return new Malformed("ClientHello of " + hsLen + " bytes exceeds " + MAX_HELLO);
        }
        hs = new byte[hsLen];
        int n = Math.min(len - 4, hsLen);
        in.getBytes(frag + 4, hs, 0, n);
        have = n;
      } else {
        int n = Math.min(len, hsLen - have);
        in.getBytes(frag, hs, have, n);
        have += n;
      }
      idx += 5 + len;
      if (have >= hsLen) {
        try {
          return new Complete(parseBody(hs));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
          return new Malformed("ClientHello body malformed");
        }
      }
    }
  }

  private static ClientHello parseBody(byte[] b) {
    Cursor c = new Cursor(b);
    int legacyVersion = c.u16();
    c.skip(32);
    c.skip(c.u8()); // session id
    int csLen = c.u16();
    if (csLen % 2 != 0) {
      throw new IllegalArgumentException("odd cipher suite length");
    }
    List<Integer> suites = new ArrayList<>(csLen / 2);
    for (int i = 0; i < csLen / 2; i++) {
      suites.add(c.u16());
    }
    c.skip(c.u8()); // compression methods
    List<Integer> versions = new ArrayList<>();
    List<String> alpn = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    String sni = null;
    int mfl = 0;
    int rsl = 0;
    boolean ticket = false;
    if (c.remaining() >= 2) {
      int extEnd = c.u16() + c.pos;
      while (c.pos + 4 <= extEnd) {
        int type = c.u16();
        int len = c.u16();
        int next = c.pos + len;
        switch (type) {
          case 0: // server_name
            {
              int listEnd = c.u16() + c.pos;
              while (c.pos + 3 <= listEnd) {
                int nameType = c.u8();
                int nlen = c.u16();
                if (nameType == 0 && sni == null) {
                  sni = new String(b, c.pos, nlen, StandardCharsets.US_ASCII);
                }
                c.skip(nlen);
              }
              break;
            }
          case 1: // max_fragment_length: 1..4 = 2^9..2^12
            {
              int code = c.u8();
              mfl = code >= 1 && code <= 4 ? 1 << (8 + code) : 0;
              break;
            }
          case 10: // supported_groups
            {
              int l = c.u16();
              for (int i = 0; i < l / 2; i++) {
                groups.add(c.u16());
              }
              break;
            }
          case 16: // ALPN
            {
              int listEnd = c.u16() + c.pos;
              while (c.pos < listEnd) {
                int plen = c.u8();
                alpn.add(new String(b, c.pos, plen, StandardCharsets.US_ASCII));
                c.skip(plen);
              }
              break;
            }
          case 28: // record_size_limit
            rsl = c.u16();
            break;
          case 35: // session_ticket
            ticket |= len > 0;
            break;
          case 41: // pre_shared_key
            ticket = true;
            break;
          case 43: // supported_versions
            {
              int l = c.u8();
              for (int i = 0; i < l / 2; i++) {
                versions.add(c.u16());
              }
              break;
            }
          default:
            break;
        }
        c.pos = next;
      }
    }
    return new ClientHello(
        legacyVersion,
        List.copyOf(versions),
        List.copyOf(suites),
        Optional.ofNullable(sni),
        List.copyOf(alpn),
        mfl,
        rsl,
        List.copyOf(groups),
        ticket);
  }

  private static final class Cursor {
    final byte[] b;
    int pos;

    Cursor(byte[] b) {
      this.b = b;
    }

    int u8() {
      if (pos >= b.length) {
        throw new IndexOutOfBoundsException();
      }
      return b[pos++] & 0xff;
    }

    int u16() {
      return (u8() << 8) | u8();
    }

    void skip(int n) {
      if (n < 0 || pos + n > b.length) {
        throw new IndexOutOfBoundsException();
      }
      pos += n;
    }

    int remaining() {
      return b.length - pos;
    }
  }
}
