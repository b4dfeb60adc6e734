package dev.mqttls.codec;

import java.util.Objects;

/**
 * CONNACK: the server's answer to CONNECT.
 *
 * @param sessionPresent whether the server resumed an existing session (must be false on refusal)
 * @param reasonCode the outcome; for 3.1.1 it is mapped through {@link ReasonCode#v3ConnackCode()}
 * @param properties MQTT 5 CONNACK properties
 */
public record Connack(boolean sessionPresent, ReasonCode reasonCode, MqttProperties properties)
    implements MqttPacket {

  /** Checks the reason code is one CONNACK allows. */
  public Connack {
    Objects.requireNonNull(reasonCode, "reasonCode");
    if (!reasonCode.isAllowedIn(PacketType.CONNACK)) {
      throw new IllegalArgumentException(reasonCode + " is not a CONNACK reason code");
    }
    if (sessionPresent && reasonCode.isError()) {
      throw new IllegalArgumentException("sessionPresent must be false when refusing");
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  @Override
  public PacketType type() {
    return PacketType.CONNACK;
  }
}
