/**
 * Keep-alive: PINGREQ when idle, and a silent broker detected. Loop-confined: everything here runs
 * on the client's event loop.
 */
package dev.mqttls.client.internal.ping;
