package dev.mqttls.broker.internal.view;

import java.time.Instant;
import java.util.Objects;

/**
 * A PUBLISH or SUBSCRIBE of a connected client that the ACL denied (refused CONNECTs and handshakes
 * are {@code BrokerTelemetry#recentRefusals()}).
 *
 * @param at when
 * @param clientId the client's id
 * @param address the peer
 * @param what what was denied, e.g. {@code PUBLISH to a/b}
 * @param cause the cause as logged, e.g. {@code no write access (acl_file)}
 */
public record AclDenial(Instant at, String clientId, String address, String what, String cause) {
  public AclDenial {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(what, "what");
    Objects.requireNonNull(cause, "cause");
  }
}
