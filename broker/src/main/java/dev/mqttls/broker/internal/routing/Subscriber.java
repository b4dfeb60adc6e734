package dev.mqttls.broker.internal.routing;

import java.util.List;

/**
 * A session as the router sees it: where a matching message is handed. Implemented by the session;
 * routing knows nothing else of sessions.
 */
public interface Subscriber {
  /** Whether a connection holds the session now (share groups prefer online members). */
  boolean isOnline();

  /** Whether the session's ACL lets it read the topic of these levels. */
  boolean mayRead(String[] topicLevels);

  /**
   * Takes one reference of {@code m}: journals it first when the session is persistent and the QoS
   * asks (before the publisher's acknowledgement), then delivers it on the session's own loop.
   */
  void deliver(Message m, int qos, boolean retain, List<Integer> subscriptionIds);

  /** Finds the subscriber of a client id. */
  interface Lookup {
    /** The subscriber of {@code clientId}, or null. */
    Subscriber subscriber(String clientId);
  }
}
