package dev.mqttls.codec;

/** The MQTT control packet types, numbered as in the fixed header's high nibble. */
public enum PacketType {
  /** Client request to connect to a server. */
  CONNECT(1),
  /** Connect acknowledgement. */
  CONNACK(2),
  /** Publish message. */
  PUBLISH(3),
  /** Publish acknowledgement (QoS 1). */
  PUBACK(4),
  /** Publish received (QoS 2 delivery part 1). */
  PUBREC(5),
  /** Publish release (QoS 2 delivery part 2). */
  PUBREL(6),
  /** Publish complete (QoS 2 delivery part 3). */
  PUBCOMP(7),
  /** Subscribe request. */
  SUBSCRIBE(8),
  /** Subscribe acknowledgement. */
  SUBACK(9),
  /** Unsubscribe request. */
  UNSUBSCRIBE(10),
  /** Unsubscribe acknowledgement. */
  UNSUBACK(11),
  /** Ping request. */
  PINGREQ(12),
  /** Ping response. */
  PINGRESP(13),
  /** Disconnect notification (client to server; in MQTT 5 both ways). */
  DISCONNECT(14),
  /** Authentication exchange (MQTT 5 only). */
  AUTH(15);

  private static final PacketType[] BY_CODE = new PacketType[16];

  static {
    for (PacketType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;

  PacketType(int code) {
    this.code = code;
  }

  /** The value of the fixed header's packet type nibble. */
  public int code() {
    return code;
  }

  /**
   * The type for a fixed header nibble, or {@code null} for the reserved value 0 or out of range.
   */
  public static PacketType of(int code) {
    return code >= 0 && code < 16 ? BY_CODE[code] : null;
  }
}
