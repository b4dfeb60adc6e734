package dev.mqttls.broker.internal.routing;

import java.util.Objects;

/**
 * One client's subscription as the topic tree holds it.
 *
 * @param clientId subscriber
 * @param filter the filter without any {@code $share/group/} prefix
 * @param shareGroup the share name, or null for an ordinary subscription
 * @param qos maximum QoS granted
 * @param noLocal v5: do not send the subscriber its own messages
 * @param retainAsPublished v5: keep the RETAIN flag as published
 * @param retainHandling v5: 0 send retained on subscribe, 1 only if new, 2 never
 * @param subscriptionId v5 subscription identifier, 0 for none
 */
public record ClientSubscription(
    String clientId,
    String filter,
    String shareGroup,
    int qos,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling,
    int subscriptionId) {
  public ClientSubscription {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(filter, "filter");
  }

  /** The Subscription Identifiers a delivery through this subscription carries (0 or 1 of them). */
  public java.util.List<Integer> subscriptionIds() {
    return subscriptionId == 0 ? java.util.List.of() : java.util.List.of(subscriptionId);
  }

  /** The filter as the client wrote it, {@code $share/group/} prefix included. */
  public String fullFilter() {
    return shareGroup == null ? filter : "$share/" + shareGroup + "/" + filter;
  }
}
