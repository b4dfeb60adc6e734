package dev.mqttls.codec.internal;

import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.UserProperty;
import io.netty.buffer.ByteBuf;

/**
 * Writes MQTT 5 properties. {@code includeFanout} false leaves out Topic Alias and Subscription
 * Identifiers, which differ per subscriber and are written separately for a shared PUBLISH.
 */
public final class PropertiesEncoder {
  private PropertiesEncoder() {}

  /** Size of the properties' content, without the length prefix. */
  public static int size(MqttProperties p, boolean includeFanout) {
    if (p == MqttProperties.EMPTY) {
      return 0;
    }
    int n = 0;
    if (p.payloadFormatIndicator() != null) {
      n += 2;
    }
    if (p.messageExpiryInterval() != null) {
      n += 5;
    }
    if (p.contentType() != null) {
      n += 1 + Wire.stringSize(p.contentType());
    }
    if (p.responseTopic() != null) {
      n += 1 + Wire.stringSize(p.responseTopic());
    }
    byte[] correlationData = p.correlationData();
    if (correlationData != null) {
      n += 3 + correlationData.length;
    }
    if (includeFanout) {
      for (int id : p.subscriptionIdentifiers()) {
        n += 1 + Wire.varIntSize(id);
      }
    }
    if (p.sessionExpiryInterval() != null) {
      n += 5;
    }
    if (p.assignedClientIdentifier() != null) {
      n += 1 + Wire.stringSize(p.assignedClientIdentifier());
    }
    if (p.serverKeepAlive() != null) {
      n += 3;
    }
    if (p.authenticationMethod() != null) {
      n += 1 + Wire.stringSize(p.authenticationMethod());
    }
    byte[] authenticationData = p.authenticationData();
    if (authenticationData != null) {
      n += 3 + authenticationData.length;
    }
    if (p.requestProblemInformation() != null) {
      n += 2;
    }
    if (p.willDelayInterval() != null) {
      n += 5;
    }
    if (p.requestResponseInformation() != null) {
      n += 2;
    }
    if (p.responseInformation() != null) {
      n += 1 + Wire.stringSize(p.responseInformation());
    }
    if (p.serverReference() != null) {
      n += 1 + Wire.stringSize(p.serverReference());
    }
    if (p.reasonString() != null) {
      n += 1 + Wire.stringSize(p.reasonString());
    }
    if (p.receiveMaximum() != null) {
      n += 3;
    }
    if (p.topicAliasMaximum() != null) {
      n += 3;
    }
    if (includeFanout && p.topicAlias() != null) {
      n += 3;
    }
    if (p.maximumQos() != null) {
      n += 2;
    }
    if (p.retainAvailable() != null) {
      n += 2;
    }
    for (UserProperty u : p.userProperties()) {
      n += 1 + Wire.stringSize(u.name()) + Wire.stringSize(u.value());
    }
    if (p.maximumPacketSize() != null) {
      n += 5;
    }
    if (p.wildcardSubscriptionAvailable() != null) {
      n += 2;
    }
    if (p.subscriptionIdentifierAvailable() != null) {
      n += 2;
    }
    if (p.sharedSubscriptionAvailable() != null) {
      n += 2;
    }
    return n;
  }

  /** Writes the properties' content, without the length prefix. */
  public static void write(ByteBuf out, MqttProperties p, boolean includeFanout) {
    if (p == MqttProperties.EMPTY) {
      return;
    }
    if (p.payloadFormatIndicator() != null) {
      out.writeByte(0x01).writeByte(p.payloadFormatIndicator());
    }
    if (p.messageExpiryInterval() != null) {
      out.writeByte(0x02).writeInt((int) (long) p.messageExpiryInterval());
    }
    if (p.contentType() != null) {
      out.writeByte(0x03);
      Wire.writeString(out, p.contentType());
    }
    if (p.responseTopic() != null) {
      out.writeByte(0x08);
      Wire.writeString(out, p.responseTopic());
    }
    byte[] correlationData = p.correlationData();
    if (correlationData != null) {
      out.writeByte(0x09);
      Wire.writeBinary(out, correlationData);
    }
    if (includeFanout) {
      for (int id : p.subscriptionIdentifiers()) {
        out.writeByte(0x0B);
        Wire.writeVarInt(out, id);
      }
    }
    if (p.sessionExpiryInterval() != null) {
      out.writeByte(0x11).writeInt((int) (long) p.sessionExpiryInterval());
    }
    if (p.assignedClientIdentifier() != null) {
      out.writeByte(0x12);
      Wire.writeString(out, p.assignedClientIdentifier());
    }
    if (p.serverKeepAlive() != null) {
      out.writeByte(0x13).writeShort(p.serverKeepAlive());
    }
    if (p.authenticationMethod() != null) {
      out.writeByte(0x15);
      Wire.writeString(out, p.authenticationMethod());
    }
    byte[] authenticationData = p.authenticationData();
    if (authenticationData != null) {
      out.writeByte(0x16);
      Wire.writeBinary(out, authenticationData);
    }
    if (p.requestProblemInformation() != null) {
      out.writeByte(0x17).writeByte(p.requestProblemInformation() ? 1 : 0);
    }
    if (p.willDelayInterval() != null) {
      out.writeByte(0x18).writeInt((int) (long) p.willDelayInterval());
    }
    if (p.requestResponseInformation() != null) {
      out.writeByte(0x19).writeByte(p.requestResponseInformation() ? 1 : 0);
    }
    if (p.responseInformation() != null) {
      out.writeByte(0x1A);
      Wire.writeString(out, p.responseInformation());
    }
    if (p.serverReference() != null) {
      out.writeByte(0x1C);
      Wire.writeString(out, p.serverReference());
    }
    if (p.reasonString() != null) {
      out.writeByte(0x1F);
      Wire.writeString(out, p.reasonString());
    }
    if (p.receiveMaximum() != null) {
      out.writeByte(0x21).writeShort(p.receiveMaximum());
    }
    if (p.topicAliasMaximum() != null) {
      out.writeByte(0x22).writeShort(p.topicAliasMaximum());
    }
    if (includeFanout && p.topicAlias() != null) {
      out.writeByte(0x23).writeShort(p.topicAlias());
    }
    if (p.maximumQos() != null) {
      out.writeByte(0x24).writeByte(p.maximumQos().code());
    }
    if (p.retainAvailable() != null) {
      out.writeByte(0x25).writeByte(p.retainAvailable() ? 1 : 0);
    }
    for (UserProperty u : p.userProperties()) {
      out.writeByte(0x26);
      Wire.writeString(out, u.name());
      Wire.writeString(out, u.value());
    }
    if (p.maximumPacketSize() != null) {
      out.writeByte(0x27).writeInt((int) (long) p.maximumPacketSize());
    }
    if (p.wildcardSubscriptionAvailable() != null) {
      out.writeByte(0x28).writeByte(p.wildcardSubscriptionAvailable() ? 1 : 0);
    }
    if (p.subscriptionIdentifierAvailable() != null) {
      out.writeByte(0x29).writeByte(p.subscriptionIdentifierAvailable() ? 1 : 0);
    }
    if (p.sharedSubscriptionAvailable() != null) {
      out.writeByte(0x2A).writeByte(p.sharedSubscriptionAvailable() ? 1 : 0);
    }
  }
}
