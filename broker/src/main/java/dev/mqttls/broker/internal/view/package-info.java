/**
 * A read-only view of a running broker for people (the admin module's dashboard): what each session
 * holds (subscriptions, queued and in-flight messages), the recent refusals of each client, and a
 * bounded feed of the latest failed TLS handshakes with their named cause. Counters and the
 * connected clients' TLS details are {@code metrics}'; this package adds what a person looks at one
 * client or one failure for. State confined to an event loop is read there, never from outside.
 */
package dev.mqttls.broker.internal.view;
