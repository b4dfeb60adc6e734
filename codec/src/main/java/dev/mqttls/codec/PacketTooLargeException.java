package dev.mqttls.codec;

/**
 * The packet was not sent because it exceeds the peer's Maximum Packet Size (MQTT 5 section
 * 3.1.2.24). {@link MqttEncoder} fails the write's promise with it; a broker treats the PUBLISH as
 * delivered (the specification says to discard it). Carries no stack trace: it is an expected
 * outcome, not a bug.
 */
public final class PacketTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final PacketType type;
  private final int size;
  private final long maximum;

  /** A refusal of a {@code size}-byte packet of type {@code type} against {@code maximum}. */
  public PacketTooLargeException(PacketType type, int size, long maximum) {
    super(
        type + " of " + size + " bytes exceeds the peer's maximum packet size " + maximum,
        null,
        false,
        false);
    this.type = type;
    this.size = size;
    this.maximum = maximum;
  }

  /** The type of the packet not sent. */
  public PacketType type() {
    return type;
  }

  /** The size the packet would have had. */
  public int size() {
    return size;
  }

  /** The peer's maximum. */
  public long maximum() {
    return maximum;
  }
}
