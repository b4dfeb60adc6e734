/**
 * Subscriptions, their SUBSCRIBE and UNSUBSCRIBE exchanges, and the delivery of messages to
 * callbacks. Loop-confined: everything here runs on the client's event loop.
 */
package dev.mqttls.client.internal.subscribe;
