package dev.mqttls.broker.internal.routing;

/**
 * Where a PUBLISH goes: the retained store when its flag asks, and every session with a matching
 * subscription (the one pick per share group, one copy per client at the highest QoS of its
 * overlapping subscriptions). Called on the publisher's event loop; the publisher acknowledges
 * after it returns, so whatever a subscriber's persistent session must not lose is written to the
 * journal before then.
 *
 * <p>{@link LocalRouter} routes over this node's topic tree. A clustered router would add the other
 * nodes with a match (once per node) behind this same call.
 */
public interface Router {
  /**
   * Stores {@code m} as retained when its flag asks, then hands it to every matching subscriber.
   * Does not consume the caller's reference.
   *
   * @return how many subscriptions matched (0: MQTT 5's No Matching Subscribers)
   */
  int publish(Message m);
}
