/**
 * The broker's implementation; not an API.
 *
 * <p>Threading. Each connection's {@link dev.mqttls.broker.internal.MqttConnection} runs on its
 * channel's event loop. A {@link dev.mqttls.broker.internal.Session} is confined to one loop at a
 * time (its connection's, or its last one's while offline) and moves on takeover. A PUBLISH is
 * routed on the publisher's loop: the {@link dev.mqttls.broker.internal.TopicTree} (a trie, read
 * without locks) yields the subscriptions, and each matching session gets the message on its own
 * loop, batched per loop turn through the {@link dev.mqttls.broker.internal.Outbox}. The message is
 * encoded once per protocol version and shared (reference-counted) by every subscriber.
 *
 * <p>Flow control. Outgoing QoS 1/2 messages respect the client's Receive Maximum and {@code
 * max_inflight_messages}; the rest wait in the session's bounded queue. A subscriber that cannot
 * keep up (channel not writable, queue past its high-water mark) and a publisher whose messages
 * pile up on other loops close that publisher's {@link dev.mqttls.broker.internal.ReadGate}: the
 * broker stops reading it instead of buffering.
 *
 * <p>State lives behind {@link dev.mqttls.broker.internal.SessionStore} and {@link
 * dev.mqttls.broker.internal.RetainedStore}; both are in memory for now.
 */
package dev.mqttls.broker.internal;
