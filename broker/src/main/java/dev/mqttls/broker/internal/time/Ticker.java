package dev.mqttls.broker.internal.time;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The broker's one source of time: the monotonic clock that deadlines are measured on, the wall
 * clock that is written to disk, and the timers that fire on a deadline. Everything that expires
 * (keep-alive, the CONNECT timeout, will delay, message expiry, session expiry, queue holds) reads
 * and schedules through a Ticker, so that tests drive it by hand instead of sleeping.
 *
 * <p>Modelled on Netty 4.2's {@code io.netty.util.concurrent.Ticker}, which Netty 4.1 lacks; unlike
 * it, a Ticker here also schedules, because Netty 4.1's event loops read {@code System.nanoTime()}
 * for their own timers and cannot be given another clock.
 */
public interface Ticker {
  /** Monotonic nanoseconds, for deadlines; only differences mean anything. */
  long nanoTime();

  /** Wall-clock milliseconds since the epoch, for what outlives the process (the journal). */
  long currentTimeMillis();

  /**
   * Runs {@code task} on {@code loop} once {@code delay} has passed on this ticker.
   *
   * @return a handle to cancel it; cancelling after it ran does nothing
   */
  Timeout schedule(EventExecutor loop, Runnable task, long delay, TimeUnit unit);

  /** A scheduled task. */
  interface Timeout {
    /** Cancels the task if it has not run yet. */
    void cancel();
  }

  /** The system clocks and the event loop's own timers. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
