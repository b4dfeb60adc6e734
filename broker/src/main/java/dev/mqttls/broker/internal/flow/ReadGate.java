package dev.mqttls.broker.internal.flow;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a connection may read: closed while anyone holds it — a subscriber that cannot keep up
 * with this publisher, this publisher's own messages piling up on other event loops, or the
 * connection itself while its session is handed over. Holds are counted from any thread; the
 * channel's auto-read flag is set only on its own event loop, from the count at that moment, so
 * that concurrent holds and releases cannot leave it wrong.
 */
public final class ReadGate {
  private static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf("mqttls.readGate");

  /** Deliveries of one publisher not yet handled by their subscribers' loops, before it waits. */
  public static final int IN_TRANSIT_HIGH = 512;

  public static final int IN_TRANSIT_LOW = IN_TRANSIT_HIGH / 4;

  private final Channel channel;
  private final AtomicInteger holds = new AtomicInteger();
  private final AtomicInteger inTransit = new AtomicInteger();
  private final AtomicBoolean heldForTransit = new AtomicBoolean();

  /**
   * Distinct clients the publisher's last message went to: a subscriber that stopped reading holds
   * back only publishers it is the sole target of, so that it cannot stall the others' traffic.
   */
  private volatile int targets = 1;

  private ReadGate(Channel channel) {
    this.channel = channel;
  }

  public static ReadGate of(Channel channel) {
    ReadGate g = channel.attr(KEY).get();
    if (g == null) {
      g = new ReadGate(channel);
      ReadGate prev = channel.attr(KEY).setIfAbsent(g);
      if (prev != null) {
        g = prev;
      }
    }
    return g;
  }

  public Channel channel() {
    return channel;
  }

  /** The publisher's last message went to {@code n} distinct clients. */
  public void targets(int n) {
    if (targets != n) {
      targets = n;
    }
  }

  /** Distinct clients the publisher's last message went to. */
  public int targets() {
    return targets;
  }

  public void hold() {
    holds.incrementAndGet();
    apply();
  }

  public void release() {
    holds.decrementAndGet();
    apply();
  }

  /** A message of this publisher was handed to another loop. */
  public void sent() {
    if (inTransit.incrementAndGet() >= IN_TRANSIT_HIGH
        && heldForTransit.compareAndSet(false, true)) {
      hold();
    }
  }

  /** A subscriber's loop handled one of this publisher's messages. */
  public void delivered() {
    if (inTransit.decrementAndGet() <= IN_TRANSIT_LOW
        && heldForTransit.compareAndSet(true, false)) {
      release();
    }
  }

  private void apply() {
    if (channel.eventLoop().inEventLoop()) {
      channel.config().setAutoRead(holds.get() <= 0);
    } else {
      try {
        channel.eventLoop().execute(() -> channel.config().setAutoRead(holds.get() <= 0));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down
      }
    }
  }
}
