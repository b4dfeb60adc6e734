/**
 * The client's implementation: {@code ClientImpl} keeps one session and one connection at a time on
 * a single Netty event loop; {@code ClientSslContexts} and {@code ServerCertificateVerifier} do
 * TLS; {@code Failures} is the one place where transport and TLS exceptions become named failures.
 * Not an API: anything here may change.
 */
package dev.mqttls.client.internal;
