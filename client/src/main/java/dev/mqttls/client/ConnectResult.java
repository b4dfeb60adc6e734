package dev.mqttls.client;

import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.UserProperty;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A successful CONNACK and what was negotiated with it.
 *
 * @param reasonCode the CONNACK reason code ({@link ReasonCode#SUCCESS} over MQTT 3.1.1)
 * @param sessionPresent whether the broker resumed a stored session
 * @param assignedClientId the client identifier the broker assigned, when the client sent none
 * @param keepAliveSeconds the keep-alive in force (the broker's Server Keep Alive when it sent one)
 * @param receiveMaximum how many QoS 1 and 2 publishes the broker accepts unacknowledged
 * @param maximumQos the highest QoS the broker accepts
 * @param retainAvailable whether the broker supports retained messages
 * @param reasonString the broker's reason string, if any
 * @param userProperties the CONNACK's user properties
 * @param tls what the TLS handshake settled on, empty over plain TCP
 */
public record ConnectResult(
    ReasonCode reasonCode,
    boolean sessionPresent,
    Optional<String> assignedClientId,
    int keepAliveSeconds,
    int receiveMaximum,
    dev.mqttls.codec.Qos maximumQos,
    boolean retainAvailable,
    Optional<String> reasonString,
    List<UserProperty> userProperties,
    Optional<TlsSessionInfo> tls) {
  /** Checks every part is present and copies the list. */
  public ConnectResult {
    Objects.requireNonNull(reasonCode, "reasonCode");
    Objects.requireNonNull(assignedClientId, "assignedClientId");
    Objects.requireNonNull(maximumQos, "maximumQos");
    Objects.requireNonNull(reasonString, "reasonString");
    userProperties = List.copyOf(userProperties);
    Objects.requireNonNull(tls, "tls");
  }
}
