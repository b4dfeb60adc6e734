package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.internal.time.Ticker;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code max_connection_rate} of one listener, plain or TLS: at most N new connections per source
 * address per second (a token bucket with a burst of one second's worth), checked before anything
 * is read or a TLS handshake begins. Refusals are logged per episode: one line at the first, a
 * summary with the count every {@link #SUMMARY_SECONDS} while it lasts, and one when the source is
 * admitted again. Thread-safe: every event loop accepts for the listener.
 */
public final class ConnectionRate {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /** Seconds between summary lines of a refusal episode that goes on. */
  public static final int SUMMARY_SECONDS = 10;

  private static final long SUMMARY_NANOS = SUMMARY_SECONDS * 1_000_000_000L;
  private static final int PRUNE_ABOVE = 10_000;
  private static final long IDLE_NANOS = 60_000_000_000L;

  private final int perSecond;
  private final String listener;
  private final Ticker ticker;
  private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long lastNanos;

    /** Refused since the episode's last line; 0: no episode. */
    long refused;

    long episodeStart;
    long lastLine;
    long lastRefusal;
  }

  /** {@code perSecond} (> 0) new connections per second per source on {@code listener}. */
  public ConnectionRate(int perSecond, String listener, Ticker ticker) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("perSecond must be positive");
    }
    this.perSecond = perSecond;
    this.listener = listener;
    this.ticker = ticker;
  }

  /** Takes a token for a new connection from {@code source}; false: close it unread. */
  public boolean admit(InetAddress source) {
    long now = ticker.nanoTime();
    if (buckets.size() > PRUNE_ABOVE) {
      buckets.values().removeIf(b -> now - b.lastNanos > IDLE_NANOS && b.refused == 0);
    }
    Bucket b =
        buckets.computeIfAbsent(
            source,
            k -> {
              Bucket nb = new Bucket();
              nb.tokens = perSecond;
              nb.lastNanos = now;
              return nb;
            });
    synchronized (b) {
      double elapsed = (now - b.lastNanos) / 1e9;
      b.tokens = Math.min(perSecond, b.tokens + elapsed * perSecond);
      b.lastNanos = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        // The episode ends at the first admission after a second without refusals, not at each
        // token the flood wins back.
        if (b.lastLine != 0 && now - b.lastRefusal >= 1_000_000_000L) {
          LOG.warn(
              "{}: connections from {} admitted again; {} refused in the last {} s"
                  + " (max_connection_rate {}/s)",
              listener,
              source.getHostAddress(),
              b.refused,
              seconds(now - b.lastLine),
              perSecond);
          b.refused = 0;
          b.lastLine = 0;
        }
        return true;
      }
      b.lastRefusal = now;
      if (b.lastLine == 0) {
        b.episodeStart = now;
        b.lastLine = now;
        LOG.warn(
            "{}: refusing connections from {}: more than {} per second (max_connection_rate);"
                + " further refusals are counted, not logged one by one",
            listener,
            source.getHostAddress(),
            perSecond);
        b.refused = 1;
      } else {
        b.refused++;
        if (now - b.lastLine >= SUMMARY_NANOS) {
          LOG.warn(
              "{}: refused {} connections from {} in the last {} s (max_connection_rate {}/s),"
                  + " {} s since the first",
              listener,
              b.refused,
              source.getHostAddress(),
              seconds(now - b.lastLine),
              perSecond,
              seconds(now - b.episodeStart));
          b.refused = 0;
          b.lastLine = now;
        }
      }
      return false;
    }
  }

  private static long seconds(long nanos) {
    return Math.round(nanos / 1e9);
  }
}
