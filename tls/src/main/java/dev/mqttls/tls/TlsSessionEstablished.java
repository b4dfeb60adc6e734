package dev.mqttls.tls;

import java.util.Objects;
import java.util.Optional;

/**
 * User event fired down the pipeline by the server TLS handler when a handshake succeeds, before
 * any MQTT byte is passed on.
 *
 * @param listenerName the listener this connection arrived on
 * @param protocol the negotiated version, e.g. {@code TLSv1.3}
 * @param cipherSuite the negotiated suite in IANA form, e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param identity the verified client certificate identity, when the client sent one
 * @param sniHostName the server name the client asked for, if any
 * @param applicationProtocol the ALPN protocol agreed, if any
 * @param engine the engine that ran this connection
 * @param resumed whether the session was resumed (ticket or PSK) rather than fully negotiated
 * @param pskIdentity the TLS-PSK identity the client proved it holds the key of, when the handshake
 *     was a PSK one; under {@code use_identity_as_username} it is the user name
 */
public record TlsSessionEstablished(
    String listenerName,
    String protocol,
    String cipherSuite,
    Optional<DeviceIdentity> identity,
    Optional<String> sniHostName,
    Optional<String> applicationProtocol,
    TlsEngine engine,
    boolean resumed,
    Optional<String> pskIdentity) {

  /** Checks that no component is null. */
  public TlsSessionEstablished {
    Objects.requireNonNull(listenerName);
    Objects.requireNonNull(protocol);
    Objects.requireNonNull(cipherSuite);
    Objects.requireNonNull(identity);
    Objects.requireNonNull(sniHostName);
    Objects.requireNonNull(applicationProtocol);
    Objects.requireNonNull(engine);
    Objects.requireNonNull(pskIdentity);
  }

  /** A certificate (or anonymous) handshake: no PSK identity. */
  public TlsSessionEstablished(
      String listenerName,
      String protocol,
      String cipherSuite,
      Optional<DeviceIdentity> identity,
      Optional<String> sniHostName,
      Optional<String> applicationProtocol,
      TlsEngine engine,
      boolean resumed) {
    this(
        listenerName,
        protocol,
        cipherSuite,
        identity,
        sniHostName,
        applicationProtocol,
        engine,
        resumed,
        Optional.empty());
  }
}
