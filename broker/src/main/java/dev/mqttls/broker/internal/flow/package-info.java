/**
 * Flow control between connections on different event loops: a connection's {@link
 * dev.mqttls.broker.internal.flow.ReadGate} (read or not), the {@link
 * dev.mqttls.broker.internal.flow.PublisherHolds} a slow subscriber places on its publishers, and
 * the {@link dev.mqttls.broker.internal.flow.Outbox} that hands deliveries to other loops in one
 * batch per loop turn.
 */
package dev.mqttls.broker.internal.flow;
