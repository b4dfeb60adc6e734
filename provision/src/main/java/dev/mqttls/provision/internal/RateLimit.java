package dev.mqttls.provision.internal;

import java.util.function.LongSupplier;

/**
 * A token bucket: at most {@code perSecond} requests a second on average, bursts of up to {@code
 * perSecond}. Not thread-safe: the service's one callback thread uses it.
 */
public final class RateLimit {
  private final int perSecond;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  /** A limit of {@code perSecond} (0: none), timed by {@code nanoTime}. */
  public RateLimit(int perSecond, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
    this.tokens = perSecond;
    this.last = nanoTime.getAsLong();
  }

  /** Whether one more request may be answered now (and counts it). */
  public boolean tryAcquire() {
    if (perSecond == 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    tokens = Math.min(perSecond, tokens + (now - last) * perSecond / 1e9);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
