package dev.mqttls.codec;

import java.util.List;

/**
 * SUBSCRIBE: a client asks for messages matching one or more topic filters.
 *
 * @param packetId 1..65535
 * @param subscriptions at least one subscription, in order
 * @param properties MQTT 5 properties (Subscription Identifier, User Properties)
 */
public record Subscribe(int packetId, List<Subscription> subscriptions, MqttProperties properties)
    implements MqttPacket {

  /** Checks the packet id and that there is at least one subscription. */
  public Subscribe {
    PacketId.check(packetId);
    subscriptions = List.copyOf(subscriptions);
    if (subscriptions.isEmpty()) {
      throw new IllegalArgumentException("SUBSCRIBE needs at least one subscription");
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
    if (properties.subscriptionIdentifiers().size() > 1) {
      throw new IllegalArgumentException("SUBSCRIBE carries at most one subscription identifier");
    }
  }

  @Override
  public PacketType type() {
    return PacketType.SUBSCRIBE;
  }
}
