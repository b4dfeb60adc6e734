package dev.mqttls.codec;

import java.util.Objects;

/**
 * AUTH: a step of MQTT 5 enhanced authentication.
 *
 * @param reasonCode why (MQTT 5; {@link ReasonCode#SUCCESS} for 3.1.1)
 * @param properties MQTT 5 properties
 */
public record Auth(ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {

  /** Checks the reason code is allowed in AUTH. */
  public Auth {
    Objects.requireNonNull(reasonCode, "reasonCode");
    if (!reasonCode.isAllowedIn(PacketType.AUTH)) {
      throw new IllegalArgumentException(reasonCode + " is not an AUTH reason code");
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  /** An AUTH with reason {@link ReasonCode#SUCCESS} and no properties. */
  public Auth() {
    this(ReasonCode.SUCCESS, MqttProperties.EMPTY);
  }

  /** An AUTH with the given reason and no properties. */
  public Auth(ReasonCode reasonCode) {
    this(reasonCode, MqttProperties.EMPTY);
  }

  @Override
  public PacketType type() {
    return PacketType.AUTH;
  }
}
