package dev.mqttls.interop.broker;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The brokers one test class shares, started on first use with the class's configuration and closed
 * by the class's {@code @AfterAll}. A broker that fails to start fails only the tests that ask for
 * it, with its cause.
 */
final class Brokers implements AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final String[] confLines;
  private final Map<BrokerUnderTest.Kind, BrokerUnderTest> running =
      new EnumMap<>(BrokerUnderTest.Kind.class);
  private final Map<BrokerUnderTest.Kind, RuntimeException> failed =
      new EnumMap<>(BrokerUnderTest.Kind.class);

  Brokers(String... confLines) {
    this.confLines = confLines.clone();
  }

  synchronized BrokerUnderTest get(BrokerUnderTest.Kind kind) {
    RuntimeException failure = failed.get(kind);
    if (failure != null) {
      throw new IllegalStateException(kind + " did not start: " + failure.getMessage(), failure);
    }
    BrokerUnderTest broker = running.get(kind);
    if (broker == null) {
      try {
        broker = kind.start(confLines);
      } catch (RuntimeException e) {
        failed.put(kind, e);
        throw e;
      }
      running.put(kind, broker);
    }
    return broker;
  }

  @Override
  public synchronized void close() {
    RuntimeException first = null;
    for (BrokerUnderTest broker : running.values()) {
      try {
        broker.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    running.clear();
    if (first != null) {
      throw first;
    }
  }

  /** A name no other test in this run uses, for client ids and topic prefixes. */
  static String unique(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }
}
