package dev.mqttls.broker.internal;

import java.util.function.Consumer;

/**
 * Retained messages, one per topic. Implementations are thread-safe. With {@code persistence true}
 * {@link BrokerState#publish} also writes each change to the {@link PersistentStore}, which fills
 * this store again at start-up.
 */
interface RetainedStore {
  /**
   * Sets the retained message of its topic, or clears it when the payload is empty. The store takes
   * ownership of {@code message}'s reference.
   */
  void put(String topic, Message message);

  /**
   * Calls {@code sink} with each retained message matching {@code filter} (no share prefix); each
   * message passed is retained once for the sink, which must release it.
   */
  void forEachMatching(String filter, Consumer<Message> sink);

  /** Number of retained messages. */
  int size();

  /** Releases everything. */
  void clear();
}
