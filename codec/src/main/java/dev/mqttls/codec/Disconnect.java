package dev.mqttls.codec;

import java.util.Objects;

/**
 * DISCONNECT: the sender closes the connection (in MQTT 5 either side, with a reason).
 *
 * @param reasonCode why (MQTT 5; {@link ReasonCode#NORMAL_DISCONNECTION} for 3.1.1)
 * @param properties MQTT 5 properties
 */
public record Disconnect(ReasonCode reasonCode, MqttProperties properties) implements MqttPacket {

  /** Checks the reason code is allowed in DISCONNECT. */
  public Disconnect {
    Objects.requireNonNull(reasonCode, "reasonCode");
    if (!reasonCode.isAllowedIn(PacketType.DISCONNECT)) {
      throw new IllegalArgumentException(reasonCode + " is not a DISCONNECT reason code");
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  /** A DISCONNECT with reason {@link ReasonCode#NORMAL_DISCONNECTION} and no properties. */
  public Disconnect() {
    this(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY);
  }

  /** A DISCONNECT with the given reason and no properties. */
  public Disconnect(ReasonCode reasonCode) {
    this(reasonCode, MqttProperties.EMPTY);
  }

  @Override
  public PacketType type() {
    return PacketType.DISCONNECT;
  }
}
