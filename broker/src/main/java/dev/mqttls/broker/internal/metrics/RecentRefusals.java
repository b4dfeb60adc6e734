package dev.mqttls.broker.internal.metrics;

import dev.mqttls.broker.Refusal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@value #CAPACITY} refused handshakes and CONNECTs, for the dashboard's failure feed and
 * a client's page. Thread-safe; one short lock per refusal, never on the message path.
 */
final class RecentRefusals {
  static final int CAPACITY = 200;

  private final ArrayDeque<Refusal> ring = new ArrayDeque<>(CAPACITY);

  synchronized void add(Refusal r) {
    if (ring.size() == CAPACITY) {
      ring.removeFirst();
    }
    ring.addLast(r);
  }

  /** Newest first. */
  synchronized List<Refusal> snapshot() {
    List<Refusal> out = new ArrayList<>(ring);
    java.util.Collections.reverse(out);
    return out;
  }
}
