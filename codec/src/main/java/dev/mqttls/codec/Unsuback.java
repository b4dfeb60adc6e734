package dev.mqttls.codec;

import java.util.List;

/**
 * UNSUBACK: answers an UNSUBSCRIBE. MQTT 3.1.1 has no reason codes here: the list is empty when
 * decoded from 3.1.1 and is not encoded for 3.1.1.
 *
 * @param packetId the UNSUBSCRIBE's packet id
 * @param reasonCodes one per filter (MQTT 5), in order
 * @param properties MQTT 5 properties
 */
public record Unsuback(int packetId, List<ReasonCode> reasonCodes, MqttProperties properties)
    implements MqttPacket {

  /** Checks the packet id and that every reason code is allowed in UNSUBACK. */
  public Unsuback {
    PacketId.check(packetId);
    reasonCodes = List.copyOf(reasonCodes);
    for (ReasonCode r : reasonCodes) {
      if (!r.isAllowedIn(PacketType.UNSUBACK)) {
        throw new IllegalArgumentException(r + " is not an UNSUBACK reason code");
      }
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  @Override
  public PacketType type() {
    return PacketType.UNSUBACK;
  }
}
