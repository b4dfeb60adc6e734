package dev.mqttls.codec;

import java.util.Objects;

/**
 * PUBACK: acknowledges a QoS 1 PUBLISH.
 *
 * @param packetId the identifier of the exchange, 1..65535
 * @param reasonCode the outcome (MQTT 5; always {@link ReasonCode#SUCCESS} for 3.1.1)
 * @param properties MQTT 5 properties (Reason String, User Properties)
 */
public record Puback(int packetId, ReasonCode reasonCode, MqttProperties properties)
    implements MqttPacket {

  /** Checks the packet id and that the reason code is allowed in this packet. */
  public Puback {
    PacketId.check(packetId);
    Objects.requireNonNull(reasonCode, "reasonCode");
    if (!reasonCode.isAllowedIn(PacketType.PUBACK)) {
      throw new IllegalArgumentException(reasonCode + " is not a PUBACK reason code");
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  /** A successful PUBACK without properties. */
  public Puback(int packetId) {
    this(packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY);
  }

  @Override
  public PacketType type() {
    return PacketType.PUBACK;
  }
}
