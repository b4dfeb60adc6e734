package dev.mqttls.bridge.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * mosquitto's {@code restart_timeout}: a constant delay, or "decorrelated jitter" from a base up to
 * a cap (each delay drawn between the base and three times the previous one, capped). Not
 * thread-safe; one per bridge.
 */
public final class RestartDelay {
  private final long baseMillis;
  private final long capMillis;
  private final DoubleSupplier random;
  private long previous;

  /** Delays from {@code base} to {@code cap}; equal for a constant delay. */
  public RestartDelay(Duration base, Duration cap, DoubleSupplier random) {
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.random = random;
    this.previous = baseMillis;
  }

  /** The delay before the next attempt. */
  public Duration next() {
    if (capMillis <= baseMillis) {
      return Duration.ofMillis(baseMillis);
    }
    long upper = Math.max(baseMillis, Math.min(capMillis, previous * 3));
    long d = baseMillis + (long) (random.getAsDouble() * (upper - baseMillis));
    previous = Math.min(capMillis, Math.max(baseMillis, d));
    return Duration.ofMillis(previous);
  }

  /** A connection succeeded: the next failure starts again from the base. */
  public void reset() {
    previous = baseMillis;
  }
}
