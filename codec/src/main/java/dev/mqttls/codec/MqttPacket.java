package dev.mqttls.codec;

/**
 * An MQTT control packet. Every packet is an immutable record; {@link Publish} is also
 * reference-counted because its payload is a slice of a network buffer. Switch on {@link #type()}
 * (Java 17 has no pattern matching in {@code switch}).
 */
public sealed interface MqttPacket
    permits Connect,
        Connack,
        Publish,
        Puback,
        Pubrec,
        Pubrel,
        Pubcomp,
        Subscribe,
        Suback,
        Unsubscribe,
        Unsuback,
        Pingreq,
        Pingresp,
        Disconnect,
        Auth {

  /** The packet's control packet type. */
  PacketType type();
}
