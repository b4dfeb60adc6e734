package dev.mqttls.broker.internal.flow;

import dev.mqttls.broker.internal.time.Ticker;
import io.netty.channel.Channel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The publishers one subscriber's connection holds back (back-pressure), and why: its socket is
 * full, or its session's queue is past its high-water mark. Confined to the subscriber's event
 * loop; the held publishers' {@link ReadGate}s are thread-safe.
 */
public final class PublisherHolds {
  /** How long a publisher is held for a full queue before it is read again regardless. */
  public static final long QUEUE_HOLD_MILLIS = 50;

  private final Channel channel;
  private final ReadGate own;
  private final Ticker ticker;
  private final Set<ReadGate> paused = new HashSet<>();
  private final Set<ReadGate> queueHeld = new HashSet<>();

  /** Holds on behalf of the subscriber on {@code channel}. */
  public PublisherHolds(Channel channel, Ticker ticker) {
    this.channel = channel;
    this.own = ReadGate.of(channel);
    this.ticker = ticker;
  }

  /**
   * This subscriber's socket is full (the client reads slowly): stop reading the publisher until it
   * drains, instead of buffering without bound. Such a hold ends only when the client reads, which
   * does not depend on the broker reading anyone, so holds of this kind cannot form a cycle.
   */
  public void pause(ReadGate g) {
    if (g == null || g == own || !g.channel().isActive()) {
      return;
    }
    if (paused.add(g)) {
      g.hold();
    }
  }

  /**
   * This subscriber's queue is past its high-water mark (its in-flight window is full): hold the
   * publisher back. A held connection's acknowledgements are not read either, so two clients
   * publishing to each other could hold each other forever; a queue hold therefore lapses after
   * {@link #QUEUE_HOLD_MILLIS} and is taken again on the next message if still needed, which turns
   * such a cycle into a slow-down instead of a standstill.
   */
  public void holdForQueue(ReadGate g) {
    if (g == null || g == own || !g.channel().isActive()) {
      return;
    }
    if (queueHeld.add(g)) {
      g.hold();
      ticker.schedule(
          channel.eventLoop(),
          () -> {
            if (queueHeld.remove(g)) {
              g.release();
            }
          },
          QUEUE_HOLD_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Lets held publishers read again once this subscriber has caught up: its socket is writable, and
   * (for queue holds) {@code queueLow} says its queue is back at its low-water mark.
   */
  public void maybeResume(boolean queueLow) {
    if (!paused.isEmpty() && channel.isWritable()) {
      resumePaused();
    }
    if (!queueHeld.isEmpty() && queueLow) {
      releaseQueueHolds();
    }
  }

  /** The subscriber is gone: every publisher it held reads again. */
  public void releaseAll() {
    resumePaused();
    releaseQueueHolds();
  }

  private void resumePaused() {
    for (ReadGate g : paused) {
      g.release();
    }
    paused.clear();
  }

  private void releaseQueueHolds() {
    for (ReadGate g : queueHeld) {
      g.release();
    }
    queueHeld.clear();
  }
}
