package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.Will;
import io.netty.buffer.Unpooled;
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

  WillFlow(ConnectionState c) {
    this.c = c;
  }

  void set(Will w) {
    this.will = w;
  }

  /** The client disconnected normally: no will (or it asked for one, with reason 0x04). */
  void publishOnClose(boolean yes) {
    this.publish = yes;
  }

  /** The connection is gone; {@code s} is its session, still attached to it. */
  void connectionLost(Session s) {
    if (will == null || !publish) {
      return;
    }
    Long delay = will.properties().willDelayInterval();
    long seconds = delay == null ? 0 : Math.min(delay, c.sessionExpiry);
    if (seconds <= 0) {
      publish(will);
      return;
    }
    long generation = s.generation();
    Will w = will;
    c.broker
        .ticker()
        .schedule(
            c.ctx.executor(),
            () ->
                s.run(
                    () -> {
                      if (s.generation() == generation && !s.isOnline() && !s.claimPending()) {
                        publish(w);
                      }
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
  }

  private void publish(Will w) {
    MqttProperties wp = w.properties();
    MqttProperties props =
        wp.isEmpty() ? MqttProperties.EMPTY : wp.toBuilder().willDelayInterval(null).build();
    Publish p =
        new Publish(
            false,
            w.qos(),
            w.retain(),
            w.topic().value(),
            w.qos() == Qos.AT_MOST_ONCE ? 0 : 1,
            props,
            Unpooled.wrappedBuffer(w.payload()));
    Message m = Message.of(p, c.clientId, null, c.broker.ticker().nanoTime());
    try {
      c.broker.router().publish(m);
    } finally {
      m.release();
    }
  }
}
