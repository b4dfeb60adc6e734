package dev.mqttls.cluster.internal;

import dev.mqttls.broker.internal.time.Ticker;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbers unique across the cluster and increasing in time on each node: microseconds since 2020
 * with the node's tag (a hash of its name) in the low 10 bits. A QoS 1/2 message gets one where it
 * is published, and keeps it on every node and in every session that holds it, so that two copies
 * of it (a session moving between nodes meanwhile) are known to be one message; session entries in
 * the cache are numbered the same way, because a session carries entries of several nodes.
 */
public final class ClusterIds {
  private static final long EPOCH_MICROS = 1_577_836_800_000_000L; // 2020-01-01

  private final Ticker ticker;
  private final long tag;
  private final AtomicLong lastMicros = new AtomicLong();

  public ClusterIds(Ticker ticker, String node) {
    this.ticker = ticker;
    this.tag = tagOf(node);
  }

  /** The next number. */
  public long next() {
    long now = ticker.currentTimeMillis() * 1000 - EPOCH_MICROS;
    long t = lastMicros.updateAndGet(last -> Math.max(last + 1, now));
    return (t << 10) | tag;
  }

  /** The tag of the node that made {@code id}. */
  public static long tag(long id) {
    return id & 1023;
  }

  static long tagOf(String node) {
    return Math.floorMod(node.hashCode(), 1024);
  }
}
