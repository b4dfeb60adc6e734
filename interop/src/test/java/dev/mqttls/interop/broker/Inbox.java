package dev.mqttls.interop.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Messages a client received, in arrival order, awaited with bounded waits. */
public final class Inbox {
  private final LinkedBlockingQueue<Received> queue = new LinkedBlockingQueue<>();
  private final String owner;

  Inbox(String owner) {
    this.owner = owner;
  }

  void add(Received message) {
    queue.add(message);
  }

  /** The next message, or an AssertionError naming the client if none arrives in time. */
  public Received next(Duration timeout) {
    Received message = poll(timeout);
    if (message == null) {
      throw new AssertionError(owner + " received no message within " + timeout);
    }
    return message;
  }

  /** The next {@code count} messages. */
  public List<Received> next(int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Received> out = new ArrayList<>(count);
    while (out.size() < count) {
      long remaining = deadline - System.nanoTime();
      Received message = poll(Duration.ofNanos(Math.max(0, remaining)));
      if (message == null) {
        throw new AssertionError(
            owner + " received " + out.size() + " of " + count + " messages: " + out);
      }
      out.add(message);
    }
    return out;
  }

  /** The next message, or null if none arrives within {@code timeout}. */
  public Received poll(Duration timeout) {
    try {
      return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Drains what has arrived without waiting. */
  public List<Received> drain() {
    List<Received> out = new ArrayList<>();
    queue.drainTo(out);
    return out;
  }
}
