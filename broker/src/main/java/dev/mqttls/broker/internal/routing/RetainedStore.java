package dev.mqttls.broker.internal.routing;

import java.util.function.Consumer;

/**
 * Retained messages, one per topic. Implementations are thread-safe. With {@code persistence true}
 * {@link Router#publish} also writes each change to the journal, which fills this store again at
 * start-up.
 */
public interface RetainedStore {
  /**
   * Sets the retained message of its topic, or clears it when the payload is empty. The store takes
   * ownership of {@code message}'s reference.
   */
  public void put(String topic, Message message);

  /**
   * Calls {@code sink} with each retained message matching {@code filter} (no share prefix); each
   * message passed is retained once for the sink, which must release it.
   */
  public void forEachMatching(String filter, Consumer<Message> sink);

  /** Number of retained messages. */
  public int size();

  /** Releases everything. */
  public void clear();
}
