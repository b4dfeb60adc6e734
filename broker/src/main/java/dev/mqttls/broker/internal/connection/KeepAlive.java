package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.internal.time.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The server's keep-alive watch (MQTT 5 section 3.1.2.10): a client that sends no packet for one
 * and a half times its keep-alive is disconnected. Like Netty's {@code IdleStateHandler}, a read is
 * noted cheaply per packet and stamped once per read batch; unlike it, time comes from the broker's
 * {@link Ticker}. Confined to the channel's event loop.
 */
final class KeepAlive {
  private final ConnectionState c;
  private final Runnable expired;
  private long timeoutNanos;
  private long lastRead;
  private boolean reading;
  private Ticker.Timeout timer;

  KeepAlive(ConnectionState c, Runnable expired) {
    this.c = c;
    this.expired = expired;
  }

  /** Starts watching for {@code keepAliveSeconds} (0: never). */
  void start(int keepAliveSeconds) {
    if (keepAliveSeconds <= 0) {
      return;
    }
    timeoutNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveSeconds * 1500L);
    lastRead = ticker().nanoTime();
    schedule(timeoutNanos);
  }

  /** A packet was read. */
  void read() {
    reading = true;
  }

  /** The read batch ended. */
  void readComplete() {
    if (reading) {
      reading = false;
      if (timeoutNanos != 0) {
        lastRead = ticker().nanoTime();
      }
    }
  }

  void stop() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    timeoutNanos = 0;
  }

  private Ticker ticker() {
    return c.broker.ticker();
  }

  private void schedule(long delayNanos) {
    timer = ticker().schedule(c.ctx.executor(), this::check, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void check() {
    if (timeoutNanos == 0 || !c.channel.isOpen()) {
      return;
    }
    long left = timeoutNanos - (ticker().nanoTime() - lastRead);
    if (reading) {
      schedule(timeoutNanos);
    } else if (left <= 0) {
      timer = null;
      expired.run();
    } else {
      schedule(left);
    }
  }
}
