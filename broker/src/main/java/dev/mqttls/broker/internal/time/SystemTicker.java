package dev.mqttls.broker.internal.time;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** {@link Ticker#system()}: {@code System.nanoTime()}, the wall clock, the loop's scheduler. */
enum SystemTicker implements Ticker {
  INSTANCE;

  private static final Timeout NOTHING = () -> {};

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public Timeout schedule(EventExecutor loop, Runnable task, long delay, TimeUnit unit) {
    ScheduledFuture<?> f;
    try {
      f = loop.schedule(task, delay, unit);
    } catch (RejectedExecutionException e) {
      return NOTHING; // the broker is shutting down; nothing will be due any more
    }
    return () -> f.cancel(false);
  }
}
