package dev.mqttls.broker.internal.metrics;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A counter for the per-message path: each thread (an event loop) adds to a cell of its own with a
 * plain write, and {@link #sum()} adds the cells up when a scrape or {@code $SYS} asks. A {@code
 * LongAdder} pays a compare-and-set per add; at a few adds per message that was ~10% of the
 * broker's CPU per QoS 0 message, this is a field increment. A sum may miss the last few adds of a
 * loop still running (they show at the next read); it never loses them.
 */
final class LoopCounter {
  private final Queue<long[]> cells = new ConcurrentLinkedQueue<>();
  private final FastThreadLocal<long[]> cell =
      new FastThreadLocal<>() {
        @Override
        protected long[] initialValue() {
          long[] c = new long[1];
          cells.add(c);
          return c;
        }
      };

  void increment() {
    cell.get()[0]++;
  }

  void add(long n) {
    cell.get()[0] += n;
  }

  long sum() {
    long s = 0;
    for (long[] c : cells) {
      s += c[0];
    }
    return s;
  }

  double doubleValue() {
    return sum();
  }
}
