/**
 * TLS for the client side of a connection: the Netty {@link io.netty.handler.ssl.SslContext} a
 * client connects with ({@link dev.mqttls.tls.client.ClientSslContexts}), the CAs it trusts ({@link
 * dev.mqttls.tls.client.TrustAnchors}), its own certificate and key ({@link
 * dev.mqttls.tls.client.ClientIdentity}), and the alert a broker refused it with ({@link
 * dev.mqttls.tls.client.PeerAlert}).
 *
 * <p>A certificate the user gave is always sent, whatever CAs the broker lists as acceptable, as
 * {@code mosquitto_pub} does: the broker then names the real cause (unknown CA, revoked, expired)
 * instead of "no certificate". Errors about files are {@link dev.mqttls.tls.TlsMaterialException}s
 * of one sentence: the file, the cause in words, what to do.
 */
package dev.mqttls.tls.client;
