package dev.mqttls.broker;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One connected client as the broker saw it connect: an immutable snapshot.
 *
 * @param clientId the MQTT client id
 * @param address the peer's address, e.g. {@code 127.0.0.1:50122}
 * @param listener the listener's name, e.g. {@code listener 8883}
 * @param protocol the MQTT version, e.g. {@code MQTT 5.0}
 * @param username the user name the client sent in CONNECT, if any (with {@code
 *     use_identity_as_username} the identity below is the user name)
 * @param tlsVersion the TLS version, e.g. {@code TLSv1.3}; empty on a plain listener
 * @param cipherSuite the TLS cipher suite; empty on a plain listener
 * @param identity the verified client certificate identity (per {@code cert_identity}), if any
 * @param certificateSubject the client certificate's subject DN, if any
 * @param certificateNotAfter the client certificate's end of validity, if any
 * @param connectedSince when CONNECT was accepted
 */
public record ConnectedClient(
    String clientId,
    String address,
    String listener,
    String protocol,
    Optional<String> username,
    Optional<String> tlsVersion,
    Optional<String> cipherSuite,
    Optional<String> identity,
    Optional<String> certificateSubject,
    Optional<Instant> certificateNotAfter,
    Instant connectedSince) {

  /** Checks that no component is null. */
  public ConnectedClient {
    Objects.requireNonNull(clientId);
    Objects.requireNonNull(address);
    Objects.requireNonNull(listener);
    Objects.requireNonNull(protocol);
    Objects.requireNonNull(username);
    Objects.requireNonNull(tlsVersion);
    Objects.requireNonNull(cipherSuite);
    Objects.requireNonNull(identity);
    Objects.requireNonNull(certificateSubject);
    Objects.requireNonNull(certificateNotAfter);
    Objects.requireNonNull(connectedSince);
  }
}
