/**
 * TLS for mqttls: PEM/PKCS#12 material ({@link dev.mqttls.tls.PemReader}, {@link
 * dev.mqttls.tls.TlsMaterial}) and the server side of a broker listener ({@link
 * dev.mqttls.tls.ServerTlsSettings}, {@link dev.mqttls.tls.ServerTls}). The client side is in
 * {@link dev.mqttls.tls.client}.
 *
 * <p>Server contract: the broker adds {@link dev.mqttls.tls.ServerTls#newHandler()} first in each
 * child pipeline. The handler recognises plain MQTT or other non-TLS bytes, reads the ClientHello
 * (SNI picks the certificate; TLS-PSK, or only CCM / CCM-8 suites, pick the bctls engine of {@link
 * dev.mqttls.tls.bctls}; max_fragment_length picks the JDK engine), runs the handshake with {@code
 * tls_handshake_timeout}, and then fires either {@link dev.mqttls.tls.TlsSessionEstablished} (with
 * the verified {@link dev.mqttls.tls.DeviceIdentity}) before the first MQTT byte, or {@link
 * dev.mqttls.tls.TlsHandshakeFailed} after logging one line with the {@link
 * dev.mqttls.tls.HandshakeFailureCause}, and closes.
 *
 * <p>Threading: a handler instance belongs to one channel and runs on its event loop; {@link
 * dev.mqttls.tls.ServerTls} itself is thread-safe and swaps its material atomically on reload.
 */
package dev.mqttls.tls;
