package dev.mqttls.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a client for status displays.
 *
 * @param state the connection state
 * @param brokerUrl the broker connected (or to connect) to
 * @param clientId the client identifier in use (the assigned one once the broker assigned it)
 * @param connect the last successful CONNACK, while connected
 * @param subscriptions the topic filters subscribed, in the order they were made
 * @param messagesIn messages received since the client was created
 * @param messagesOut messages published (and acknowledged, for QoS 1 and 2) since it was created
 * @param inflight QoS 1 and 2 publishes sent and not yet acknowledged
 * @param buffered publishes waiting in the offline buffer
 */
public record ClientStatus(
    ConnectionState state,
    String brokerUrl,
    String clientId,
    Optional<ConnectResult> connect,
    List<Subscription> subscriptions,
    long messagesIn,
    long messagesOut,
    int inflight,
    int buffered) {
  /** Checks every part is present and copies the list. */
  public ClientStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(brokerUrl, "brokerUrl");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(connect, "connect");
    subscriptions = List.copyOf(subscriptions);
  }
}
