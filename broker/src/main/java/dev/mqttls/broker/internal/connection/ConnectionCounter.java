package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.internal.time.Ticker;
import java.util.concurrent.atomic.AtomicInteger;

/** Open connections (for {@code max_connections}) and the client ids the broker assigns. */
public final class ConnectionCounter {
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger assigned = new AtomicInteger();
  private final Ticker ticker;

  public ConnectionCounter(Ticker ticker) {
    this.ticker = ticker;
  }

  public int count() {
    return open.get();
  }

  /** A connection opened; returns how many are open now. */
  int opened() {
    return open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  /** A client id for a CONNECT without one, unique in this process and unlikely across restarts. */
  String assignClientId() {
    return "mqttls-" + Long.toHexString(ticker.nanoTime()) + "-" + assigned.incrementAndGet();
  }
}
