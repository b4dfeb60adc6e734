package dev.mqttls.codec;

import java.util.List;

/**
 * UNSUBSCRIBE: a client removes subscriptions.
 *
 * @param packetId 1..65535
 * @param filters at least one topic filter
 * @param properties MQTT 5 properties (User Properties)
 */
public record Unsubscribe(int packetId, List<TopicFilter> filters, MqttProperties properties)
    implements MqttPacket {

  /** Checks the packet id and that there is at least one filter. */
  public Unsubscribe {
    PacketId.check(packetId);
    filters = List.copyOf(filters);
    if (filters.isEmpty()) {
      throw new IllegalArgumentException("UNSUBSCRIBE needs at least one topic filter");
    }
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  @Override
  public PacketType type() {
    return PacketType.UNSUBSCRIBE;
  }
}
