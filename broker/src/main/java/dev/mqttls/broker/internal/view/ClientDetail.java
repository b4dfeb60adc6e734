package dev.mqttls.broker.internal.view;

import dev.mqttls.broker.internal.session.Session;
import java.util.List;

/**
 * What a client's page shows beyond its row: every subscription, the in-flight window and the last
 * ACL denials.
 *
 * @param summary its row (counts)
 * @param subscriptions its subscriptions, by filter
 * @param inFlight the messages sent and not yet acknowledged, oldest first
 * @param denials what the ACL denied it lately, newest first
 */
public record ClientDetail(
    SessionSummary summary,
    List<Subscription> subscriptions,
    List<Session.InFlightMessage> inFlight,
    List<AclDenial> denials) {
  public ClientDetail {
    subscriptions = List.copyOf(subscriptions);
    inFlight = List.copyOf(inFlight);
    denials = List.copyOf(denials);
  }

  /**
   * One subscription.
   *
   * @param filter the filter as the client wrote it ({@code $share/group/} prefix included)
   * @param qos the maximum QoS granted
   * @param noLocal MQTT 5 No Local
   * @param retainAsPublished MQTT 5 Retain As Published
   * @param retainHandling MQTT 5 Retain Handling (0, 1 or 2)
   * @param subscriptionId MQTT 5 Subscription Identifier, 0 for none
   */
  public record Subscription(
      String filter,
      int qos,
      boolean noLocal,
      boolean retainAsPublished,
      int retainHandling,
      int subscriptionId) {}
}
