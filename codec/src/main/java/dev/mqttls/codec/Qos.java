package dev.mqttls.codec;

/** MQTT quality of service levels. */
public enum Qos {
  /** QoS 0: fire and forget. */
  AT_MOST_ONCE(0),
  /** QoS 1: acknowledged with PUBACK, may be duplicated. */
  AT_LEAST_ONCE(1),
  /** QoS 2: four-way handshake, delivered exactly once. */
  EXACTLY_ONCE(2);

  private static final Qos[] VALUES = values();

  private final int code;

  Qos(int code) {
    this.code = code;
  }

  /** The numeric QoS as it appears on the wire. */
  public int code() {
    return code;
  }

  /**
   * The QoS for a wire value.
   *
   * @throws IllegalArgumentException if {@code code} is not 0, 1 or 2
   */
  public static Qos of(int code) {
    if (code < 0 || code > 2) {
      throw new IllegalArgumentException("QoS must be 0, 1 or 2, was " + code);
    }
    return VALUES[code];
  }

  /** The lower of two QoS levels (a delivery is downgraded to the subscription's maximum). */
  public static Qos min(Qos a, Qos b) {
    return a.code <= b.code ? a : b;
  }
}
