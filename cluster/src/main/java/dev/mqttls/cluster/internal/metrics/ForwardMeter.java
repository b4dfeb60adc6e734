package dev.mqttls.cluster.internal.metrics;

/**
 * What the node-to-node forwarder tells the meters: each PUBLISH frame it sends to or receives from
 * another node, and each takeover it sends or receives. Called on JGroups' and the event loops'
 * threads; implementations only add to counters.
 */
public interface ForwardMeter {
  /** Counts nothing. */
  ForwardMeter NONE = new ForwardMeter() {};

  /** A PUBLISH frame of {@code bytes} bytes sent to {@code node}. */
  default void sent(String node, int bytes) {}

  /** A PUBLISH frame of {@code bytes} bytes received from {@code node}. */
  default void received(String node, int bytes) {}

  /** This node took a client over from another node (and told it). */
  default void tookOver() {}

  /** Another node took over a client connected here. */
  default void takenOver() {}
}
