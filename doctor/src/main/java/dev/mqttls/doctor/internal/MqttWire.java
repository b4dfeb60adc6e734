package dev.mqttls.doctor.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few MQTT 3.1.1 / 5.0 packets the probe sends and reads, spelled out byte by byte so the probe
 * can run against any broker before (and independently of) our codec. Only what a probe needs:
 * CONNECT, SUBSCRIBE, PUBLISH QoS 1, PUBACK, DISCONNECT out; any packet in, framed and bounded.
 */
public final class MqttWire {
  private MqttWire() {}

  /** Largest packet the probe accepts; a probe never needs more. */
  static final int MAX_PACKET = 1 << 20;

  /** A packet as read: the first byte and the body after the remaining length. */
  public record Packet(int header, byte[] body) {
    /** The packet type, 1..15. */
    public int type() {
      return (header >> 4) & 0x0F;
    }
  }

  /** CONNECT (clean start, keep-alive 30 s) with optional user name and password. */
  public static byte[] connect(int level, String clientId, String username, char[] password) {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    string(v, "MQTT");
    v.write(level);
    int flags = 0x02;
    if (username != null) {
      flags |= 0x80;
    }
    if (password != null) {
      flags |= 0x40;
    }
    v.write(flags);
    v.write(0);
    v.write(30);
    if (level == 5) {
      v.write(0); // no properties
    }
    string(v, clientId);
    if (username != null) {
      string(v, username);
    }
    if (password != null) {
      java.nio.ByteBuffer bb = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
      byte[] exact = new byte[bb.remaining()];
      bb.get(exact);
      if (bb.hasArray()) {
        java.util.Arrays.fill(bb.array(), (byte) 0);
      }
      v.write(exact.length >> 8);
      v.write(exact.length & 0xFF);
      v.writeBytes(exact);
      java.util.Arrays.fill(exact, (byte) 0);
    }
    return frame(0x10, v.toByteArray());
  }

  /** SUBSCRIBE to one topic at QoS 1. */
  public static byte[] subscribe(int level, int packetId, String topic) {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    v.write(packetId >> 8);
    v.write(packetId & 0xFF);
    if (level == 5) {
      v.write(0);
    }
    string(v, topic);
    v.write(1);
    return frame(0x82, v.toByteArray());
  }

  /** PUBLISH at QoS 1. */
  public static byte[] publish(int level, int packetId, String topic, byte[] payload) {
    ByteArrayOutputStream v = new ByteArrayOutputStream();
    string(v, topic);
    v.write(packetId >> 8);
    v.write(packetId & 0xFF);
    if (level == 5) {
      v.write(0);
    }
    v.writeBytes(payload);
    return frame(0x32, v.toByteArray());
  }

  /** PUBACK for a received QoS 1 PUBLISH. */
  public static byte[] puback(int packetId) {
    return new byte[] {0x40, 2, (byte) (packetId >> 8), (byte) packetId};
  }

  /** DISCONNECT (normal). */
  public static byte[] disconnect() {
    return new byte[] {(byte) 0xE0, 0};
  }

  /** Reads one packet; EOF if the stream ends first. */
  public static Packet read(InputStream in) throws IOException {
    int header = in.read();
    if (header < 0) {
      throw new EOFException("connection closed");
    }
    int len = 0;
    int mult = 1;
    for (int i = 0; ; i++) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed in fixed header");
      }
      len += (b & 0x7F) * mult;
      if ((b & 0x80) == 0) {
        break;
      }
      if (i == 3) {
        throw new IOException("malformed remaining length");
      }
      mult *= 128;
    }
    if (len > MAX_PACKET) {
      throw new IOException("packet of " + len + " bytes is larger than a probe accepts");
    }
    byte[] body = in.readNBytes(len);
    if (body.length < len) {
      throw new EOFException("connection closed in packet body");
    }
    return new Packet(header, body);
  }

  /** The CONNACK reason/return code. */
  public static int connackCode(Packet p) {
    return p.body().length >= 2 ? p.body()[1] & 0xFF : -1;
  }

  /** The packet id at the start of a SUBACK/PUBACK body. */
  public static int packetId(Packet p) {
    return p.body().length >= 2 ? ((p.body()[0] & 0xFF) << 8) | (p.body()[1] & 0xFF) : -1;
  }

  /** The first granted QoS / reason code of a SUBACK. */
  public static int subackCode(int level, Packet p) {
    int i = 2;
    if (level == 5) {
      int[] vi = varInt(p.body(), i);
      i = vi[1] + vi[0];
    }
    return i < p.body().length ? p.body()[i] & 0xFF : -1;
  }

  /** The reason code of a PUBACK (0 when the short form is used). */
  public static int pubackCode(Packet p) {
    return p.body().length >= 3 ? p.body()[2] & 0xFF : 0;
  }

  /** Topic, packet id and payload of a PUBLISH. */
  public record Publish(String topic, int qos, int packetId, byte[] payload) {}

  /** Parses a PUBLISH. */
  public static Publish parsePublish(int level, Packet p) throws IOException {
    byte[] b = p.body();
    if (b.length < 2) {
      throw new IOException("short PUBLISH");
    }
    int tl = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
    if (2 + tl > b.length) {
      throw new IOException("short PUBLISH topic");
    }
    String topic = new String(b, 2, tl, StandardCharsets.UTF_8);
    int i = 2 + tl;
    int qos = (p.header() >> 1) & 3;
    int id = -1;
    if (qos > 0) {
      if (i + 2 > b.length) {
        throw new IOException("short PUBLISH id");
      }
      id = ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
      i += 2;
    }
    if (level == 5) {
      int[] vi = varInt(b, i);
      i = vi[1] + vi[0];
    }
    byte[] payload = i <= b.length ? java.util.Arrays.copyOfRange(b, i, b.length) : new byte[0];
    return new Publish(topic, qos, id, payload);
  }

  /** Returns {value, index after it}. */
  private static int[] varInt(byte[] b, int i) {
    int v = 0;
    int mult = 1;
    int j = i;
    while (j < b.length && j < i + 4) {
      int x = b[j++] & 0xFF;
      v += (x & 0x7F) * mult;
      if ((x & 0x80) == 0) {
        break;
      }
      mult *= 128;
    }
    return new int[] {v, j};
  }

  private static void string(ByteArrayOutputStream v, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    v.write(b.length >> 8);
    v.write(b.length & 0xFF);
    v.writeBytes(b);
  }

  private static byte[] frame(int header, byte[] variable) {
    ByteArrayOutputStream f = new ByteArrayOutputStream(variable.length + 5);
    f.write(header);
    int len = variable.length;
    do {
      int d = len % 128;
      len /= 128;
      if (len > 0) {
        d |= 0x80;
      }
      f.write(d);
    } while (len > 0);
    f.writeBytes(variable);
    return f.toByteArray();
  }
}
