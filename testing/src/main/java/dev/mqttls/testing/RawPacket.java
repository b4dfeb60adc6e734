package dev.mqttls.testing;

/**
 * One MQTT control packet as it came off the wire, framed but not decoded, so a test can assert
 * single bytes (a CONNACK or DISCONNECT reason code) without trusting our own decoder.
 *
 * @param type the control packet type, 1 (CONNECT) to 15 (AUTH)
 * @param flags the low four bits of the fixed header
 * @param body the variable header and payload, after the remaining length
 */
public record RawPacket(int type, int flags, byte[] body) {
  public static final int CONNECT = 1;
  public static final int CONNACK = 2;
  public static final int PUBLISH = 3;
  public static final int PUBACK = 4;
  public static final int PUBREC = 5;
  public static final int PUBREL = 6;
  public static final int PUBCOMP = 7;
  public static final int SUBSCRIBE = 8;
  public static final int SUBACK = 9;
  public static final int UNSUBSCRIBE = 10;
  public static final int UNSUBACK = 11;
  public static final int PINGREQ = 12;
  public static final int PINGRESP = 13;
  public static final int DISCONNECT = 14;
  public static final int AUTH = 15;

  private static final String[] NAMES = {
    "RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
    "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH"
  };

  /** The packet type's name, e.g. {@code "CONNACK"}. */
  public String typeName() {
    return NAMES[type];
  }

  /**
   * The reason code of a CONNACK (v3.1.1 return code or v5 reason code: second byte) or a v5
   * DISCONNECT (first byte; 0x00 Normal when the body is empty, as MQTT 5 §3.14.2.1 allows).
   */
  public int reasonCode() {
    if (type == CONNACK) {
      return body.length >= 2 ? body[1] & 0xFF : -1;
    }
    if (type == DISCONNECT) {
      return body.length == 0 ? 0 : body[0] & 0xFF;
    }
    if (type == PUBACK || type == PUBREC || type == PUBREL || type == PUBCOMP) {
      return body.length <= 2 ? 0 : body[2] & 0xFF;
    }
    throw new IllegalStateException(typeName() + " has no single reason code");
  }

  /** The packet's bytes as on the wire, fixed header included. */
  public byte[] toBytes() {
    return MqttBytes.frame((type << 4) | flags, body);
  }

  @Override
  public String toString() {
    return typeName() + "(flags=" + flags + ", body=[" + Hex.encode(body) + "])";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawPacket p
        && p.type == type
        && p.flags == flags
        && java.util.Arrays.equals(p.body, body);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type + flags) + java.util.Arrays.hashCode(body);
  }
}
