package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.broker.internal.session.Wills;
import dev.mqttls.codec.Will;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connection's Will: kept from CONNECT, dropped by a normal DISCONNECT, published when the
 * connection ends otherwise — at once, or after its Will Delay Interval if the session has not been
 * taken up again by then (MQTT 5 section 3.1.3.2.2).
 */
final class WillFlow {
  private final ConnectionState c;
  private Will will;
  private boolean publish = true;
  private Wills.Pending pending = Wills.Pending.NONE;

  WillFlow(ConnectionState c) {
    this.c = c;
  }

  void set(Will w) {
    this.will = w;
  }

  /**
   * Tells the broker's {@link Wills} of this connection's will (or of its absence) once the session
   * expiry is known; the CONNACK waits for the returned future.
   */
  CompletableFuture<Void> register(String clientId) {
    Long delay = will == null ? null : will.properties().willDelayInterval();
    long seconds = delay == null ? 0 : Math.min(delay, c.sessionExpiry);
    pending = c.broker.wills().connected(clientId, will, seconds);
    return pending.held();
  }

  /** The client disconnected normally: no will (or it asked for one, with reason 0x04). */
  void publishOnClose(boolean yes) {
    this.publish = yes;
    if (!yes) {
      pending.settled();
    }
  }

  /** The connection is gone; {@code s} is its session, still attached to it. */
  void connectionLost(Session s) {
    if (will == null || !publish) {
      pending.settled();
      return;
    }
    Long delay = will.properties().willDelayInterval();
    long seconds = delay == null ? 0 : Math.min(delay, c.sessionExpiry);
    if (seconds <= 0) {
      publish(will);
      pending.settled();
      return;
    }
    long generation = s.generation();
    Will w = will;
    Wills.Pending p = pending;
    c.broker
        .ticker()
        .schedule(
            c.ctx.executor(),
            () ->
                s.run(
                    () -> {
                      // Not due when a connection on another node has taken the client id up.
                      if (s.generation() == generation
                          && !s.isOnline()
                          && !s.claimPending()
                          && p.due()) {
                        publish(w);
                      }
                      p.settled();
                    }),
            seconds,
            TimeUnit.SECONDS);
  }

  /**
   * Another connection took the session: a delayed will is never due (the session continues), an
   * immediate one is published now.
   */
  void takenOver() {
    Long delay = will == null ? null : will.properties().willDelayInterval();
    if (delay != null && delay > 0) {
      publish = false;
    }
    if (will != null && publish) {
      publish(will);
      will = null;
    }
    pending.settled();
  }

  private void publish(Will w) {
    Message m = Wills.message(w, c.clientId, c.broker.ticker().nanoTime());
    try {
      c.broker.router().publish(m);
    } finally {
      m.release();
    }
  }
}
