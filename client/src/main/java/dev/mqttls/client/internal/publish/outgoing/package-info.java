/**
 * Outgoing publishes: the QoS 1 and 2 in-flight window and the offline buffer. Loop-confined:
 * everything here runs on the client's event loop.
 */
package dev.mqttls.client.internal.publish.outgoing;
