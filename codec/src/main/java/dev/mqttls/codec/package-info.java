/**
 * The MQTT 3.1, 3.1.1 and 5.0 packet model and a strict codec.
 *
 * <p>Packets are immutable records behind the sealed {@link dev.mqttls.codec.MqttPacket}; reason
 * codes are {@link dev.mqttls.codec.ReasonCode}; topic names, filters and client ids are value
 * types that can only hold valid values ({@code of(String)} throws naming the problem, the wire
 * path reports a decode error instead).
 *
 * <p>A connection's pipeline holds one {@link dev.mqttls.codec.MqttDecoder} and one {@link
 * dev.mqttls.codec.MqttEncoder}, both per channel:
 *
 * <pre>{@code
 * ch.pipeline().addLast(MqttDecoder.forServer(DecoderLimits.ofMaxPacketSize(limit)));
 * ch.pipeline().addLast(new MqttEncoder());
 * ch.pipeline().addLast(protocolHandler);
 * }</pre>
 *
 * <p>The protocol handler receives {@link dev.mqttls.codec.MqttPacket}s, or once a {@link
 * dev.mqttls.codec.MalformedPacket} after which nothing more arrives: it answers with CONNACK
 * (before the session exists) or DISCONNECT (MQTT 5) carrying {@code reason()}, logs {@code
 * toString()} with the client's id and address, and closes. After decoding CONNECT it calls {@link
 * dev.mqttls.codec.MqttEncoder#setVersion} with the connection's version and, for MQTT 5, {@link
 * dev.mqttls.codec.MqttEncoder#setMaximumPacketSize} with the client's Maximum Packet Size. A
 * received {@link dev.mqttls.codec.Publish} holds a slice of the network buffer: release it, or
 * retain it for as long as it is kept. To send one message to many subscribers, see {@link
 * dev.mqttls.codec.EncodedPublish}.
 */
package dev.mqttls.codec;
