/**
 * One MQTT connection, server side, confined to its channel's event loop.
 *
 * <ul>
 *   <li>{@link dev.mqttls.broker.internal.connection.MqttConnection}: lifecycle (open, CONNECT
 *       timeout, close, takeover) and the dispatch of each packet to its flow.
 *   <li>{@link dev.mqttls.broker.internal.connection.ConnectFlow}: CONNECT validation,
 *       authentication, the session claim and the CONNACK.
 *   <li>{@link dev.mqttls.broker.internal.connection.InboundPublishFlow}: a client's PUBLISH
 *       (aliases, ACL, retain, size, UTF-8, QoS 2 de-duplication, routing, ack) and PUBREL.
 *   <li>{@link dev.mqttls.broker.internal.connection.AckFlow}: the client's PUBACK, PUBREC, PUBCOMP
 *       for what the broker sent.
 *   <li>{@link dev.mqttls.broker.internal.connection.SubscribeFlow}: SUBSCRIBE, retained messages
 *       for a new subscription, UNSUBSCRIBE.
 *   <li>{@link dev.mqttls.broker.internal.connection.WillFlow}: the will and its delay.
 *   <li>{@link dev.mqttls.broker.internal.connection.OutboundWriter}: the session's output: topic
 *       aliases, Maximum Packet Size, expiry rewrite, back-pressure on publishers.
 *   <li>{@link dev.mqttls.broker.internal.connection.Disconnector}: the one place where a
 *       violation, refusal or failure becomes a CONNACK-and-close or a DISCONNECT, with its one log
 *       line.
 *   <li>{@link dev.mqttls.broker.internal.connection.KeepAlive}: 1.5 times the keep-alive.
 *   <li>{@link dev.mqttls.broker.internal.connection.PacketLog}: {@code -v}, packets logged as
 *       {@code mosquitto -v} does, never a payload.
 * </ul>
 */
package dev.mqttls.broker.internal.connection;
