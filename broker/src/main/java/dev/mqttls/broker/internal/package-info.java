/**
 * The broker's implementation; not an API. One package per idea:
 *
 * <ul>
 *   <li>{@link dev.mqttls.broker.internal.bootstrap bootstrap}: start-up, event loops, listeners,
 *       each connection's pipeline, reload and shutdown.
 *   <li>{@link dev.mqttls.broker.internal.connection connection}: one MQTT connection, a small
 *       lifecycle and dispatch class and one class per protocol flow (CONNECT, PUBLISH in, acks,
 *       SUBSCRIBE, will, the way out, keep-alive, refusals).
 *   <li>{@link dev.mqttls.broker.internal.session session}: sessions, their outbound queue and
 *       in-flight window, expiry, and the registry of who holds which client id (takeover).
 *   <li>{@link dev.mqttls.broker.internal.routing routing}: where a PUBLISH goes (the {@code
 *       Router}), the topic tree, retained messages, the message as it travels.
 *   <li>{@link dev.mqttls.broker.internal.flow flow}: back-pressure between event loops (read
 *       gates, publisher holds) and the batched hand-over of deliveries between loops.
 *   <li>{@link dev.mqttls.broker.internal.security security}: password file, ACL file, per-client
 *       ACL.
 *   <li>{@link dev.mqttls.broker.internal.persistence persistence}: the {@code Journal} (what is
 *       durable before an acknowledgement) and its RocksDB implementation.
 *   <li>{@link dev.mqttls.broker.internal.time time}: the {@code Ticker}, the one source of time.
 * </ul>
 *
 * <p>This package itself holds {@link dev.mqttls.broker.internal.BrokerContext} (the parts of a
 * running broker, as connections see them), the configuration reader ({@code ConfigParser}, {@code
 * TlsDirectives}) and {@link dev.mqttls.broker.internal.ListenerTls} (a listener's TLS material),
 * which stay next to the configuration reader they share package-private helpers with.
 *
 * <p>Threading. Each connection runs on its channel's event loop. A session is confined to one loop
 * at a time (its connection's, or its last one's while offline) and moves on takeover. A PUBLISH is
 * routed on the publisher's loop: the topic tree (read without locks) yields the subscriptions, and
 * each matching session gets the message on its own loop, batched per loop turn through the outbox.
 * The message is encoded once per protocol version and shared (reference-counted) by every
 * subscriber.
 */
package dev.mqttls.broker.internal;
