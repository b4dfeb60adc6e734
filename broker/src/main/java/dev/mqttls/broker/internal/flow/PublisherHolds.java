package dev.mqttls.broker.internal.flow;

import dev.mqttls.broker.internal.time.Ticker;
import io.netty.channel.Channel;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publishers one subscriber's connection holds back (back-pressure), and why: its socket is
 * full, or its session's queue is past its high-water mark. Confined to the subscriber's event
 * loop; the held publishers' {@link ReadGate}s are thread-safe.
 *
 * <p>A subscriber that makes no progress (its socket stays full, or its queue does not drain) for
 * {@link #STALL_MILLIS} is <em>stalled</em>: from then on it holds back only publishers it is the
 * sole target of, so that a client that stopped reading cannot stall publishers that also feed
 * others. Its messages then queue up to the queue limits and are dropped beyond them (see {@link
 * DropEpisode}). It leaves that state when it makes progress again.
 */
public final class PublisherHolds {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /** How long a publisher is held for a full queue before it is read again regardless. */
  public static final long QUEUE_HOLD_MILLIS = 50;

  /** How long a subscriber may hold publishers without progress before it counts as stalled. */
  public static final long STALL_MILLIS = 500;

  private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);

  private final Channel channel;
  private final ReadGate own;
  private final Ticker ticker;
  private final Supplier<String> clientId;
  private final Set<ReadGate> paused = new HashSet<>();
  private final Set<ReadGate> queueHeld = new HashSet<>();

  /** When this subscriber began holding publishers without progress since; -1: it is not. */
  private long blockedSince = -1;

  private boolean stalled;

  /** {@link Ticker#nanoTime()} of this subscriber's last acknowledgement. */
  private long acknowledgedAt;

  /** Holds on behalf of the subscriber on {@code channel}, named by {@code clientId} in logs. */
  public PublisherHolds(Channel channel, Ticker ticker, Supplier<String> clientId) {
    this.channel = channel;
    this.own = ReadGate.of(channel);
    this.ticker = ticker;
    this.clientId = clientId;
  }

  /**
   * This subscriber's socket is full (the client reads slowly): stop reading the publisher until it
   * drains, instead of buffering without bound. Such a hold ends only when the client reads, which
   * does not depend on the broker reading anyone, so holds of this kind cannot form a cycle.
   */
  public void pause(ReadGate g) {
    if (!mayHold(g)) {
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
    if (!mayHold(g)) {
      return;
    }
    if (queueHeld.add(g)) {
      g.hold();
      lapseLater(g, ticker.nanoTime());
    }
  }

  /**
   * Ends the queue hold on {@code g} after {@link #QUEUE_HOLD_MILLIS}, unless this subscriber
   * acknowledged something since {@code heldAt}: then it is slow, not part of a cycle (a cycle
   * reads no acknowledgements), and the hold is renewed. Letting a merely slow subscriber's
   * publisher read again would let in a whole socket buffer of messages at once, more than the
   * queue takes; those would be dropped although the publisher was acknowledged.
   */
  private void lapseLater(ReadGate g, long heldAt) {
    ticker.schedule(
        channel.eventLoop(),
        () -> {
          if (!queueHeld.contains(g)) {
            return;
          }
          if (acknowledgedAt - heldAt > 0 && channel.isActive() && g.channel().isActive()) {
            lapseLater(g, ticker.nanoTime());
            return;
          }
          queueHeld.remove(g);
          g.release();
        },
        QUEUE_HOLD_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Whether this subscriber made no progress for {@link #STALL_MILLIS} while it held publishers.
   */
  public boolean stalled() {
    return stalled;
  }

  private boolean mayHold(ReadGate g) {
    if (g == null || g == own || !g.channel().isActive()) {
      return false;
    }
    if (blockedSince < 0) {
      startClock();
    } else if (!stalled && ticker.nanoTime() - blockedSince >= STALL_NANOS) {
      stall();
    }
    return !stalled || g.targets() <= 1;
  }

  private void startClock() {
    long since = ticker.nanoTime();
    blockedSince = since;
    ticker.schedule(
        channel.eventLoop(),
        () -> {
          if (blockedSince == since) {
            stall();
          }
        },
        STALL_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /**
   * The client acknowledged a message: it is slow, not stopped, so the time it may hold publishers
   * starts again (checked at most a few times per {@link #STALL_MILLIS}, not per acknowledgement).
   */
  public void acknowledged() {
    acknowledgedAt = ticker.nanoTime();
    if (blockedSince >= 0 && !stalled && ticker.nanoTime() - blockedSince > STALL_NANOS / 4) {
      startClock();
    }
  }

  private void stall() {
    if (stalled || !channel.isActive()) {
      return;
    }
    stalled = true;
    LOG.warn(
        "Client {} made no progress for {} ms ({}): publishers that also feed other clients no"
            + " longer wait for it",
        clientId.get(),
        STALL_MILLIS,
        channel.isWritable() ? "its queue is full" : "it does not read its socket");
    releaseShared(paused);
    releaseShared(queueHeld);
  }

  private static void releaseShared(Set<ReadGate> gates) {
    for (Iterator<ReadGate> it = gates.iterator(); it.hasNext(); ) {
      ReadGate g = it.next();
      if (g.targets() > 1) {
        it.remove();
        g.release();
      }
    }
  }

  /**
   * Lets held publishers read again once this subscriber has caught up: its socket is writable, and
   * (for queue holds) {@code queueLow} says its queue is back at its low-water mark.
   */
  public void maybeResume(boolean queueLow) {
    boolean writable = channel.isWritable();
    if (!paused.isEmpty() && writable) {
      resumePaused();
    }
    if (!queueHeld.isEmpty() && queueLow) {
      releaseQueueHolds();
    }
    if (writable && queueLow) {
      progressed();
    }
  }

  private void progressed() {
    blockedSince = -1;
    if (stalled) {
      stalled = false;
      LOG.info("Client {} is keeping up again", clientId.get());
    }
  }

  /** The subscriber is gone: every publisher it held reads again. */
  public void releaseAll() {
    resumePaused();
    releaseQueueHolds();
    blockedSince = -1;
    stalled = false;
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
