package dev.mqttls.tls.internal;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Admits at most {@code ratePerSecond} new connections per source address per second (a token
 * bucket with a burst of one second's worth), so a reconnect storm from one NAT or one broken
 * device cannot take the handshake CPU of everyone else. Thread-safe; entries idle for a minute are
 * dropped when the table grows.
 */
public final class ConnectionRateLimiter {
  private static final int PRUNE_ABOVE = 10_000;
  private static final long IDLE_NANOS = 60_000_000_000L;

  private final int ratePerSecond;
  private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long lastNanos;
    long lastRefusalLogNanos = Long.MIN_VALUE / 2;
  }

  /** A limiter admitting {@code ratePerSecond} (> 0) connections per second per source. */
  public ConnectionRateLimiter(int ratePerSecond) {
    if (ratePerSecond <= 0) {
      throw new IllegalArgumentException("ratePerSecond must be positive");
    }
    this.ratePerSecond = ratePerSecond;
  }

  /** The outcome for one new connection. */
  public enum Verdict {
    /** Admit the connection. */
    ADMIT,
    /** Refuse it and log the refusal. */
    REFUSE_AND_LOG,
    /** Refuse it quietly: a refusal for this source was logged less than a second ago. */
    REFUSE_QUIETLY
  }

  /** Takes a token for a new connection from {@code source}. */
  public Verdict admit(InetAddress source, long nowNanos) {
    if (buckets.size() > PRUNE_ABOVE) {
      buckets.values().removeIf(b -> nowNanos - b.lastNanos > IDLE_NANOS);
    }
    Bucket b =
        buckets.computeIfAbsent(
            source,
            k -> {
              Bucket nb = new Bucket();
              nb.tokens = ratePerSecond;
              nb.lastNanos = nowNanos;
              return nb;
            });
    synchronized (b) {
      double elapsed = (nowNanos - b.lastNanos) / 1e9;
      b.tokens = Math.min(ratePerSecond, b.tokens + elapsed * ratePerSecond);
      b.lastNanos = nowNanos;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return Verdict.ADMIT;
      }
      if (nowNanos - b.lastRefusalLogNanos >= 1_000_000_000L) {
        b.lastRefusalLogNanos = nowNanos;
        return Verdict.REFUSE_AND_LOG;
      }
      return Verdict.REFUSE_QUIETLY;
    }
  }
}
