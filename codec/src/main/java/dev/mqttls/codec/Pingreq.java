package dev.mqttls.codec;

/**
 * PINGREQ: the client shows it is alive and asks for a PINGRESP. It has no fields; use {@link
 * #INSTANCE}.
 */
public record Pingreq() implements MqttPacket {
  /** The one instance needed. */
  public static final Pingreq INSTANCE = new Pingreq();

  @Override
  public PacketType type() {
    return PacketType.PINGREQ;
  }
}
