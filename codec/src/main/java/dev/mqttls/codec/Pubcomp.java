package dev.mqttls.codec;

import java.util.Objects;

/**
 * PUBCOMP: completes the QoS 2 exchange.
 *
 * @param packetId the identifier of the exchange, 1..65535
 * @param reasonCode the outcome (MQTT 5; always {@link ReasonCode#SUCCESS} for 3.1.1)
 * @param properties MQTT 5 properties (Reason String, User Properties)
 */
public record Pubcomp(int packetId, ReasonCode reasonCode, MqttProperties properties)
    implements MqttPacket {

  /** Checks the packet id and that the reason code is allowed in this packet. */
  public Pubcomp {
    PacketId.check(packetId);
    Objects.requireNonNull(reasonCode, "reasonCode");
    if (!reasonCode.isAllowedIn(PacketType.PUBCOMP)) {
      throw new IllegalArgumentException(reasonCode + " is not a PUBCOMP reason code");
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  /** A successful PUBCOMP without properties. */
  public Pubcomp(int packetId) {
    this(packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY);
  }

  @Override
  public PacketType type() {
    return PacketType.PUBCOMP;
  }
}
