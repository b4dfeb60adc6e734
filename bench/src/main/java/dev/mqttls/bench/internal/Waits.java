package dev.mqttls.bench.internal;

import dev.mqttls.bench.BenchException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits for the scenario's control thread (never an event loop). */
final class Waits {
  private Waits() {}

  /** Waits for every future; the first failure becomes a {@link BenchException} with its cause. */
  static <T> List<T> all(List<CompletableFuture<T>> futures, Duration timeout, String what)
      throws InterruptedException {
    try {
      CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new BenchException(what + ": " + message(e.getCause()));
    } catch (TimeoutException e) {
      throw new BenchException(what + ": no answer within " + timeout.toSeconds() + " s");
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }

  static String message(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException
            || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c instanceof BenchException ? c.getMessage() : BenchConnection.oneLine(c);
  }

  /** Pauses the control thread; a latch nobody counts down, so no sleeping API is needed. */
  static void pause(long millis) throws InterruptedException {
    if (millis > 0) {
      new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
    }
  }
}
