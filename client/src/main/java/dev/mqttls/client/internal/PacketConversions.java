package dev.mqttls.client.internal;

import dev.mqttls.client.Message;
import dev.mqttls.client.MessageProperties;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.TopicName;
import dev.mqttls.codec.UserProperty;
import dev.mqttls.codec.Will;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Between the application's {@link Message} and the codec's packets. */
public final class PacketConversions {
  private PacketConversions() {}

  public static Publish toPublish(Message m, int packetId, boolean dup, MqttVersion version) {
    MqttProperties props =
        version == MqttVersion.V5 ? toProperties(m.properties()) : MqttProperties.EMPTY;
    return new Publish(
        dup,
        m.qos(),
        m.retain(),
        m.topic(),
        packetId,
        props,
        Unpooled.wrappedBuffer(m.payloadBuffer()));
  }

  public static Will toWill(Message m, MqttVersion version) {
    MqttProperties props =
        version == MqttVersion.V5 ? toProperties(m.properties()) : MqttProperties.EMPTY;
    return new Will(TopicName.of(m.topic()), m.payload(), m.qos(), m.retain(), props);
  }

  public static MqttProperties toProperties(MessageProperties p) {
    if (p.isEmpty()) {
      return MqttProperties.EMPTY;
    }
    MqttProperties.Builder b = MqttProperties.builder();
    p.payloadUtf8().ifPresent(u -> b.payloadFormatIndicator(u ? 1 : 0));
    p.messageExpirySeconds().ifPresent(b::messageExpiryInterval);
    p.contentType().ifPresent(b::contentType);
    p.responseTopic().ifPresent(b::responseTopic);
    p.correlationData().ifPresent(b::correlationData);
    for (UserProperty u : p.userProperties()) {
      b.userProperty(u);
    }
    return b.build();
  }

  /** The application message of a received PUBLISH; does not release it. */
  public static Message toMessage(Publish p, String topic) {
    ByteBuf payload = p.payload();
    byte[] bytes = ByteBufUtil.getBytes(payload, payload.readerIndex(), payload.readableBytes());
    MqttProperties mp = p.properties();
    MessageProperties.Builder b = MessageProperties.builder();
    if (mp.payloadFormatIndicator() != null) {
      b.payloadUtf8(mp.payloadFormatIndicator() == 1);
    }
    if (mp.messageExpiryInterval() != null) {
      b.messageExpirySeconds(mp.messageExpiryInterval());
    }
    if (mp.contentType() != null) {
      b.contentType(mp.contentType());
    }
    if (mp.responseTopic() != null) {
      b.responseTopic(mp.responseTopic());
    }
    if (mp.correlationData() != null) {
      b.correlationData(mp.correlationData());
    }
    for (UserProperty u : mp.userProperties()) {
      b.userProperty(u.name(), u.value());
    }
    for (Integer id : mp.subscriptionIdentifiers()) {
      b.subscriptionIdentifier(id);
    }
    return Message.builder(topic)
        .payload(bytes)
        .qos(p.qos())
        .retain(p.retainFlag())
        .properties(b.build())
        .build();
  }
}
