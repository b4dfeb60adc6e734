package dev.mqttls.codec;

import java.util.List;

/**
 * SUBACK: one reason code per subscription of the SUBSCRIBE it answers, in the same order.
 *
 * @param packetId the SUBSCRIBE's packet id
 * @param reasonCodes granted QoS or failure per subscription; for 3.1.1 see {@link
 *     ReasonCode#v3SubackCode()}
 * @param properties MQTT 5 properties
 */
public record Suback(int packetId, List<ReasonCode> reasonCodes, MqttProperties properties)
    implements MqttPacket {

  /** Checks the packet id and that every reason code is allowed in SUBACK. */
  public Suback {
    PacketId.check(packetId);
    reasonCodes = List.copyOf(reasonCodes);
    if (reasonCodes.isEmpty()) {
      throw new IllegalArgumentException("SUBACK needs at least one reason code");
    }
    for (ReasonCode r : reasonCodes) {
      if (!r.isAllowedIn(PacketType.SUBACK)) {
        throw new IllegalArgumentException(r + " is not a SUBACK reason code");
      }
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  @Override
  public PacketType type() {
    return PacketType.SUBACK;
  }
}
