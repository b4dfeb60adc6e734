package dev.mqttls.broker.internal.persistence;

import dev.mqttls.broker.internal.persistence.Journal.Durable;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code persistence_sync batch}: acknowledgements wait for one fsync of the store's log, made on a
 * thread of its own so that no event loop blocks on the disk while its other connections wait. Each
 * loop turn hands its waiting acknowledgements over as one batch; the fsync thread takes every
 * batch queued so far, syncs once for all of them (an fsync covers whatever any thread wrote before
 * it), and gives each batch back to its loop. A loop's batches come back in the order it handed
 * them over, and while one is out, later acknowledgements of that loop wait behind it even when
 * they wrote nothing: MQTT wants PUBACKs in the order of their PUBLISHes.
 */
final class GroupCommit implements AutoCloseable {
  private final BooleanSupplier fsync;
  private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  /** One loop's state; touched only on that loop. */
  private static final class Lane {
    boolean dirty;
    boolean handOverScheduled;
    int outstanding;
    final ArrayDeque<Durable> waiting = new ArrayDeque<>();
  }

  private record Batch(Lane lane, Executor loop, List<Durable> acks, boolean needsSync) {}

  private final FastThreadLocal<Lane> lanes =
      new FastThreadLocal<>() {
        @Override
        protected Lane initialValue() {
          return new Lane();
        }
      };

  /**
   * @param fsync syncs the log; false when that failed (the caller has logged why)
   */
  GroupCommit(BooleanSupplier fsync) {
    this.fsync = fsync;
    this.thread = new Thread(this::run, "mqttls-fsync");
    thread.setDaemon(true);
    thread.start();
  }

  /** The calling loop wrote something an acknowledgement depends on. */
  void written() {
    lanes.get().dirty = true;
  }

  /** Calls {@code ack} on {@code loop} once what that loop wrote so far is synced. */
  void whenDurable(Executor loop, Durable ack) {
    Lane lane = lanes.get();
    if (!lane.dirty && lane.waiting.isEmpty() && lane.outstanding == 0) {
      ack.done(true);
      return;
    }
    lane.waiting.add(ack);
    if (!lane.handOverScheduled) {
      lane.handOverScheduled = true;
      // After the reads of this loop turn: every acknowledgement they produced shares the batch.
      loop.execute(() -> handOver(lane, loop));
    }
  }

  private void handOver(Lane lane, Executor loop) {
    lane.handOverScheduled = false;
    List<Durable> acks = new ArrayList<>(lane.waiting);
    lane.waiting.clear();
    boolean needsSync = lane.dirty;
    lane.dirty = false;
    lane.outstanding++;
    queue.add(new Batch(lane, loop, acks, needsSync));
  }

  private void run() {
    List<Batch> batches = new ArrayList<>();
    while (!closed) {
      try {
        Batch first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batches.add(first);
        queue.drainTo(batches);
      } catch (InterruptedException e) {
        return;
      }
      boolean needsSync = false;
      for (Batch b : batches) {
        needsSync |= b.needsSync();
      }
      boolean ok = !needsSync || fsync.getAsBoolean();
      for (Batch b : batches) {
        try {
          b.loop().execute(() -> done(b, ok));
        } catch (RejectedExecutionException e) {
          // The loop has shut down with its connections: nobody is waiting for these any more.
        }
      }
      batches.clear();
    }
  }

  private static void done(Batch b, boolean ok) {
    b.lane().outstanding--;
    for (Durable a : b.acks()) {
      a.done(ok);
    }
  }

  /** Stops the fsync thread; acknowledgements still waiting are dropped with their connections. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
