/**
 * Mosquitto-style bridges from the mqttls broker to other brokers, configured by the {@code
 * connection} blocks of the broker's own file ({@link dev.mqttls.bridge.BridgeConfigs}) and run by
 * {@link dev.mqttls.bridge.Bridges}. The remote side is the client library (TLS, failover, ALPN);
 * the local side is a client of the broker's in-process endpoint with a persistent session, so that
 * what the remote cannot take yet waits in the broker.
 */
package dev.mqttls.bridge;
