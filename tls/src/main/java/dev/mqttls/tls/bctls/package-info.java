/**
 * The third TLS engine: Bouncy Castle's own TLS API ({@code org.bouncycastle.tls}, not its JSSE
 * provider), for what BoringSSL and the JDK lack: TLS-PSK (TLS 1.2 PSK and ECDHE_PSK suites, TLS
 * 1.3 external PSK) and the AES-CCM / CCM-8 suites small mbedTLS builds offer. {@link
 * dev.mqttls.tls.bctls.BcTlsHandler} plays the part Netty's {@code SslHandler} plays for the other
 * engines; the listener's first handler picks it per connection from the ClientHello.
 */
package dev.mqttls.tls.bctls;
