/**
 * The client's implementation, shaped like the HiveMQ client's: {@code ClientImpl} is the API
 * facade that hops onto the client's single Netty event loop and completes futures; {@code connect}
 * connects, fails over and reconnects; {@code session} holds the MQTT session across connections;
 * {@code publish.outgoing} and {@code publish.incoming} are the QoS flows; {@code subscribe} the
 * subscriptions; {@code ping} the keep-alive. Here at the top: TLS ({@code ClientTls}, {@code
 * ServerCertificateVerifier}) and {@code Failures}, the one place where transport and TLS
 * exceptions become named failures in words. Not an API: anything here may change.
 */
package dev.mqttls.client.internal;
