package dev.mqttls.interop.broker;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of tests that run against both brokers; each class gets its own pair, started on first use
 * with {@link #confLines()} and stopped after the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BothBrokersTest {
  static final Duration WAIT = Duration.ofSeconds(10);

  private final Brokers brokers = new Brokers(confLines());

  /** Extra configuration for both brokers; constant per class (called during construction). */
  String[] confLines() {
    return new String[0];
  }

  BrokerUnderTest broker(Kind kind) {
    return brokers.get(kind);
  }

  @AfterAll
  void stopBrokers() {
    brokers.close();
  }

  /**
   * Messages in {@code inbox} up to and including the first with payload {@code marker}: since a
   * broker keeps one publisher's order on one connection, what came before the marker is all that
   * the broker delivered for the messages sent before it.
   */
  static List<Received> untilMarker(Inbox inbox, String marker) {
    List<Received> out = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Received message = inbox.next(WAIT);
      out.add(message);
      if (message.payload().equals(marker)) {
        return out;
      }
    }
    throw new AssertionError("marker " + marker + " not among " + out);
  }

  static List<String> payloads(List<Received> messages) {
    return messages.stream().map(Received::payload).toList();
  }
}
