package dev.mqttls.cluster.internal.metrics;

/**
 * What the node-to-node forwarder tells the meters: each frame it sends to or receives from another
 * node (the meter tells PUBLISH frames and takeovers apart by the frame's kind). Called on JGroups'
 * and the event loops' threads; implementations only add to counters.
 */
public interface ForwardMeter {
  /** Counts nothing. */
  ForwardMeter NONE = new ForwardMeter() {};

  /** A frame, {@code len} bytes of {@code b} from {@code off}, sent to {@code node}. */
  default void sent(String node, byte[] b, int off, int len) {}

  /** A frame, {@code len} bytes of {@code b} from {@code off}, received from {@code node}. */
  default void received(String node, byte[] b, int off, int len) {}
}
