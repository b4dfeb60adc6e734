package dev.mqttls.client;

import java.time.Duration;
import java.util.Objects;

/**
 * When a client that lost its connection tries again: after {@code initialDelay}, then each delay
 * {@code multiplier} times the previous up to {@code maxDelay}, each randomised by up to {@code
 * jitter} (a fraction, 0.2 meaning plus or minus 20%) so that a fleet does not reconnect in step.
 *
 * @param enabled whether the client reconnects by itself
 * @param initialDelay the first delay
 * @param maxDelay the longest delay
 * @param multiplier how much each delay grows, at least 1
 * @param jitter the random fraction, 0 to 1
 */
public record ReconnectPolicy(
    boolean enabled, Duration initialDelay, Duration maxDelay, double multiplier, double jitter) {
  /** No automatic reconnect: the default, suited to one-shot use. */
  public static final ReconnectPolicy OFF =
      new ReconnectPolicy(false, Duration.ofSeconds(1), Duration.ofMinutes(2), 2.0, 0.2);

  /** Reconnect after 1 s, doubling up to 2 minutes, with 20% jitter. */
  public static final ReconnectPolicy DEFAULT =
      new ReconnectPolicy(true, Duration.ofSeconds(1), Duration.ofMinutes(2), 2.0, 0.2);

  /** Checks the delays and factors are in range. */
  public ReconnectPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || initialDelay.isZero()) {
      throw new IllegalArgumentException("initialDelay must be positive, was " + initialDelay);
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay " + maxDelay + " is below initialDelay " + initialDelay);
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
    }
  }

  /** Automatic reconnect with the given first and longest delay, doubling, with 20% jitter. */
  public static ReconnectPolicy exponential(Duration initialDelay, Duration maxDelay) {
    return new ReconnectPolicy(true, initialDelay, maxDelay, 2.0, 0.2);
  }

  /** The delay before attempt {@code attempt} (0 for the first retry), before jitter. */
  public Duration baseDelay(int attempt) {
    double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.min(attempt, 62));
    return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
  }

  /** The delay before attempt {@code attempt} with jitter applied from {@code random} in [0,1). */
  public Duration delay(int attempt, double random) {
    long base = baseDelay(attempt).toMillis();
    double factor = 1.0 + jitter * (2.0 * random - 1.0);
    return Duration.ofMillis(Math.max(1, Math.round(base * factor)));
  }
}
