package dev.mqttls.codec;

/** PINGRESP: the server's answer to PINGREQ. It has no fields; use {@link #INSTANCE}. */
public record Pingresp() implements MqttPacket {
  /** The one instance needed. */
  public static final Pingresp INSTANCE = new Pingresp();

  @Override
  public PacketType type() {
    return PacketType.PINGRESP;
  }
}
