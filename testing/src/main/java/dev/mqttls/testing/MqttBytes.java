package dev.mqttls.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-built MQTT packets for scripted clients, written without our codec so that tests of the
 * codec and the broker do not check our code against itself. Builders produce valid packets; a test
 * that needs a broken one starts from {@link #frame} and its own bytes.
 */
public final class MqttBytes {
  /** Protocol level of MQTT 3.1.1. */
  public static final int V311 = 4;

  /** Protocol level of MQTT 5.0. */
  public static final int V5 = 5;

  private MqttBytes() {}

  /** A whole packet: the first header byte, the remaining length, then {@code body}. */
  public static byte[] frame(int firstByte, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 5);
    out.write(firstByte);
    out.writeBytes(varInt(body.length));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** The Variable Byte Integer encoding (MQTT 5 §1.5.5) of {@code value}. */
  public static byte[] varInt(int value) {
    if (value < 0 || value > 268_435_455) {
      throw new IllegalArgumentException("value out of range: " + value);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(4);
    do {
      int digit = value % 128;
      value /= 128;
      out.write(value > 0 ? digit | 0x80 : digit);
    } while (value > 0);
    return out.toByteArray();
  }

  /** A UTF-8 string with its two-byte length prefix. */
  public static byte[] utf8(String text) {
    return binary(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Binary data (or already-encoded string bytes) with its two-byte length prefix. */
  public static byte[] binary(byte[] data) {
    byte[] out = new byte[data.length + 2];
    out[0] = (byte) (data.length >>> 8);
    out[1] = (byte) data.length;
    System.arraycopy(data, 0, out, 2, data.length);
    return out;
  }

  /** Concatenates byte arrays. */
  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A valid MQTT 3.1.1 CONNECT with no will, user name or password. */
  public static byte[] connectV311(String clientId, int keepAliveSeconds, boolean cleanSession) {
    return connect("MQTT", V311, cleanSession ? 0x02 : 0x00, keepAliveSeconds, null, clientId);
  }

  /** A valid MQTT 5.0 CONNECT with no properties, will, user name or password. */
  public static byte[] connectV5(String clientId, int keepAliveSeconds, boolean cleanStart) {
    return connect("MQTT", V5, cleanStart ? 0x02 : 0x00, keepAliveSeconds, new byte[0], clientId);
  }

  /**
   * A CONNECT with the given fields and nothing else in the payload (so no will, user name or
   * password flag should be set in {@code connectFlags}).
   *
   * @param properties the v5 properties without their length prefix, or {@code null} before v5
   */
  public static byte[] connect(
      String protocolName,
      int protocolLevel,
      int connectFlags,
      int keepAliveSeconds,
      byte[] properties,
      String clientId) {
    byte[] props = properties == null ? new byte[0] : concat(varInt(properties.length), properties);
    byte[] body =
        concat(
            utf8(protocolName),
            new byte[] {
              (byte) protocolLevel,
              (byte) connectFlags,
              (byte) (keepAliveSeconds >>> 8),
              (byte) keepAliveSeconds
            },
            props,
            utf8(clientId));
    return frame(0x10, body);
  }

  /** A SUBSCRIBE of one filter; {@code options} is the QoS (plus v5 option bits). */
  public static byte[] subscribe(int protocolLevel, int packetId, String filter, int options) {
    byte[] props = protocolLevel >= V5 ? new byte[] {0} : new byte[0];
    byte[] body = concat(u16(packetId), props, utf8(filter), new byte[] {(byte) options});
    return frame(0x82, body);
  }

  /** A PUBLISH; {@code packetId} is ignored at QoS 0. No v5 properties. */
  public static byte[] publish(
      int protocolLevel, String topic, int qos, boolean retain, int packetId, byte[] payload) {
    return publishRawTopic(
        protocolLevel, topic.getBytes(StandardCharsets.UTF_8), qos, retain, packetId, payload);
  }

  /** A PUBLISH whose topic bytes are taken as given, valid UTF-8 or not. */
  public static byte[] publishRawTopic(
      int protocolLevel, byte[] topic, int qos, boolean retain, int packetId, byte[] payload) {
    byte[] id = qos > 0 ? u16(packetId) : new byte[0];
    byte[] props = protocolLevel >= V5 ? new byte[] {0} : new byte[0];
    int first = 0x30 | (qos << 1) | (retain ? 1 : 0);
    return frame(first, concat(binary(topic), id, props, payload));
  }

  /** A PUBACK (4), PUBREC (5), PUBREL (6) or PUBCOMP (7) with reason Success. */
  public static byte[] ack(int type, int packetId) {
    return frame((type << 4) | (type == RawPacket.PUBREL ? 0x02 : 0), u16(packetId));
  }

  /** PINGREQ. */
  public static byte[] pingreq() {
    return new byte[] {(byte) 0xC0, 0};
  }

  /** DISCONNECT with reason Normal (valid for every protocol level). */
  public static byte[] disconnect() {
    return new byte[] {(byte) 0xE0, 0};
  }

  /** A two-byte integer. */
  public static byte[] u16(int value) {
    return new byte[] {(byte) (value >>> 8), (byte) value};
  }
}
