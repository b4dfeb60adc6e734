package dev.mqttls.codec;

/**
 * What {@link MqttDecoder} passes downstream, once, instead of a packet when the input violates the
 * protocol. After it the decoder discards all further input; the handler answers (MQTT 5:
 * DISCONNECT or CONNACK with {@link #reason()}; 3.1.1: CONNACK return code or just close) and
 * closes the connection.
 *
 * @param reason the MQTT 5 reason code the specification assigns to the violation
 * @param cause what exactly was wrong, for the operator's log line (never contains payload or
 *     password bytes)
 * @param type the type of the offending packet, or {@code null} when not even that was readable
 */
public record MalformedPacket(ReasonCode reason, String cause, PacketType type) {

  @Override
  public String toString() {
    return (type == null ? "packet" : type.name())
        + ": "
        + cause
        + " ("
        + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + ")";
  }
}
