package dev.mqttls.broker.internal.flow;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Deliveries from this event loop to sessions on other loops, batched: instead of one task (and
 * often one wake-up system call) per message and subscriber, each loop hands every other loop one
 * task per turn carrying everything routed to it in that turn, in order. One instance per thread,
 * used only by it.
 */
public final class Outbox {
  private static final FastThreadLocal<Outbox> LOCAL =
      new FastThreadLocal<>() {
        @Override
        protected Outbox initialValue() {
          return new Outbox();
        }
      };

  /** Work handed to another loop: one message for one session. */
  public interface Delivery {
    /** Runs on the target loop. */
    void run();

    /** The target loop is gone (shutdown): frees what the delivery holds. */
    void discard();
  }

  private final Map<EventExecutor, List<Delivery>> pending = new IdentityHashMap<>();
  private boolean flushScheduled;

  /** Queues {@code d} for {@code target}; sent at the end of this loop's turn. */
  public static void send(EventExecutor target, Delivery d) {
    EventExecutor self = ThreadExecutorMap.currentExecutor();
    if (self == null) {
      // Not on an event loop (e.g. a test thread): hand it over at once.
      execute(target, List.of(d));
      return;
    }
    Outbox box = LOCAL.get();
    box.pending.computeIfAbsent(target, t -> new ArrayList<>()).add(d);
    if (!box.flushScheduled) {
      box.flushScheduled = true;
      try {
        self.execute(box::flush);
      } catch (RejectedExecutionException e) {
        box.flush();
      }
    }
  }

  private void flush() {
    flushScheduled = false;
    if (pending.isEmpty()) {
      return;
    }
    for (Map.Entry<EventExecutor, List<Delivery>> e : pending.entrySet()) {
      execute(e.getKey(), e.getValue());
    }
    pending.clear();
  }

  private static void execute(EventExecutor target, List<Delivery> batch) {
    try {
      target.execute(
          () -> {
            for (int i = 0, n = batch.size(); i < n; i++) {
              batch.get(i).run();
            }
          });
    } catch (RejectedExecutionException e) {
      // shutting down: nothing will read these any more
      for (Delivery d : batch) {
        d.discard();
      }
    }
  }
}
