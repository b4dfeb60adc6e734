/**
 * Where a PUBLISH goes: the {@link dev.mqttls.broker.internal.routing.Router} and its local
 * implementation over the {@link dev.mqttls.broker.internal.routing.TopicTree} (with
 * shared-subscription picks), retained messages, the {@link
 * dev.mqttls.broker.internal.routing.Message} as it travels (encoded once per protocol version),
 * and the {@link dev.mqttls.broker.internal.routing.Subscriber} view of a session.
 */
package dev.mqttls.broker.internal.routing;
