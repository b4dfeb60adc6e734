/**
 * Incoming publishes: acknowledgements and the QoS 2 state. Loop-confined: everything here runs on
 * the client's event loop.
 */
package dev.mqttls.client.internal.publish.incoming;
