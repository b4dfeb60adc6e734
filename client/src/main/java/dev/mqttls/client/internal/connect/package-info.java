/**
 * Connecting, reconnecting and disconnecting: the transport (TCP, SOCKS5, Unix socket), TLS,
 * CONNECT and CONNACK, failover over the configured brokers, and the handler of each connection.
 * Loop-confined: everything here runs on the client's event loop.
 */
package dev.mqttls.client.internal.connect;
