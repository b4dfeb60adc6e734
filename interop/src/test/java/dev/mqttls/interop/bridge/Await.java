package dev.mqttls.interop.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling for a condition the client reaches on its own threads, bounded in time. */
final class Await {
  private Await() {}

  /**
   * Returns once {@code condition} holds, polling every 10 ms.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
   */
  static void until(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as(what + " within " + timeout).isTrue();
  }
}
