package dev.mqttls.broker.internal.session;

import dev.mqttls.broker.internal.flow.ReadGate;
import dev.mqttls.broker.internal.routing.Message;
import java.util.List;

/**
 * What a session needs of the connection attached to it: where its packets go. The session calls
 * these on its own executor, which is the connection's event loop while attached. The connection
 * side implements it; the session knows nothing else of connections.
 */
public interface SessionOutput {
  /** How many QoS 1/2 messages may be in flight to the client (its Receive Maximum, capped). */
  int sendQuota();

  /** Sends one PUBLISH; takes ownership of {@code m}'s reference. */
  void sendPublish(
      Message m, int qos, boolean retain, List<Integer> subscriptionIds, int packetId, boolean dup);

  /** Sends a PUBREL (the second half of an outgoing QoS 2 exchange, resent on reconnect). */
  void sendPubrel(int packetId);

  /** The session's queue is past its high-water mark: hold back the publisher of {@code origin}. */
  void holdPublisher(ReadGate origin);

  /**
   * Whether the client made no progress for a while although messages wait for it (see {@link
   * dev.mqttls.broker.internal.flow.PublisherHolds#stalled()}): only then are its QoS 1/2 messages
   * dropped beyond the queue limits.
   */
  boolean stalled();

  /** The session's queue is back at its low-water mark: held publishers may read again. */
  void queueDrained();

  /** Another connection claimed the session: say so to the client (if it can hear it) and close. */
  void takenOver();
}
