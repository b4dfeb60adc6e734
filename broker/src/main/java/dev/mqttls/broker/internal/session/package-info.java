/**
 * Sessions: {@link dev.mqttls.broker.internal.session.Session} (subscriptions, incoming QoS 2 ids,
 * expiry, attach and detach), its outbound queue with the in-flight window and packet ids, the
 * {@link dev.mqttls.broker.internal.session.SessionOutput} through which it meets its connection,
 * and the {@link dev.mqttls.broker.internal.session.SessionRegistry} of who holds which client id
 * (claims and takeover, asynchronous so that a cluster-wide registry fits).
 */
package dev.mqttls.broker.internal.session;
