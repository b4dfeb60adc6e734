package dev.mqttls.broker.internal.session;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.Will;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;

/**
 * Where a connection's Will is known besides the connection itself. A single broker keeps it with
 * the connection only ({@link #LOCAL}); a cluster also puts it where the other nodes find it, so
 * that they publish it if this node dies.
 *
 * <p>Called on the connection's event loop; implementations do not block it.
 */
public interface Wills {
  /** The single broker: the connection holds its will alone. */
  Wills LOCAL = (clientId, will, delaySeconds) -> Pending.NONE;

  /**
   * {@code clientId} is connecting with {@code will} (null: none) whose Will Delay Interval, capped
   * by the session expiry, is {@code delaySeconds}. Called before its CONNACK; a CONNECT of the
   * same client id without a will, or with another, replaces what an earlier connection left.
   */
  Pending connected(String clientId, Will will, long delaySeconds);

  /** One connection's will, as the place that keeps it sees it. */
  interface Pending {
    /** Nothing kept anywhere but the connection. */
    Pending NONE =
        new Pending() {
          @Override
          public CompletableFuture<Void> held() {
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public boolean due() {
            return true;
          }

          @Override
          public void settled() {}
        };

    /**
     * Completes once the will is kept where it must be before the CONNACK goes out. Never completes
     * exceptionally: a will that could not be kept elsewhere stays with the connection (the
     * implementation logs why).
     */
    CompletableFuture<Void> held();

    /**
     * Whether a delayed will is still this connection's to publish: false once something else has
     * published it or a new connection of the same client id (on any node) has replaced it.
     */
    boolean due();

    /** The connection has published its will, dropped it, or will never publish it. */
    void settled();
  }

  /**
   * The message a will becomes when published (its Will Delay Interval dropped), from {@code
   * clientId}, with Message Expiry counted from {@code nowNanos}.
   */
  static Message message(Will w, String clientId, long nowNanos) {
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
    return Message.of(p, clientId, null, nowNanos);
  }
}
