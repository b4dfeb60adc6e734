package dev.mqttls.broker.internal.time;

import io.netty.util.concurrent.EventExecutor;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Ticker} that moves only when a test says so: {@link #advance} runs every task that falls
 * due, in deadline order, on its loop. Tests of keep-alive and expiry run without sleeping.
 */
public final class ManualTicker implements Ticker {
  private long nanos = 1_000_000_000_000L;
  private long millis = 1_800_000_000_000L;
  private long sequence;
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) ->
              a.deadline != b.deadline
                  ? Long.compare(a.deadline, b.deadline)
                  : Long.compare(a.seq, b.seq));

  private static final class Task implements Timeout {
    final long deadline;
    final long seq;
    final EventExecutor loop;
    final Runnable body;
    boolean cancelled;

    Task(long deadline, long seq, EventExecutor loop, Runnable body) {
      this.deadline = deadline;
      this.seq = seq;
      this.loop = loop;
      this.body = body;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long currentTimeMillis() {
    return millis;
  }

  @Override
  public Timeout schedule(EventExecutor loop, Runnable task, long delay, TimeUnit unit) {
    Task t = new Task(nanos + unit.toNanos(delay), sequence++, loop, task);
    tasks.add(t);
    return t;
  }

  /** Moves both clocks on by {@code amount}, running what falls due on the way, in order. */
  public void advance(long amount, TimeUnit unit) {
    long target = nanos + unit.toNanos(amount);
    while (!tasks.isEmpty() && tasks.peek().deadline <= target) {
      Task t = tasks.poll();
      millis += TimeUnit.NANOSECONDS.toMillis(t.deadline - nanos);
      nanos = Math.max(nanos, t.deadline);
      if (!t.cancelled) {
        if (t.loop.inEventLoop()) {
          t.body.run();
        } else {
          t.loop.execute(t.body);
        }
      }
    }
    millis += TimeUnit.NANOSECONDS.toMillis(target - nanos);
    nanos = target;
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public int pending() {
    return (int) tasks.stream().filter(t -> !t.cancelled).count();
  }
}
