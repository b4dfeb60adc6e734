package dev.mqttls.broker.internal.view;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The last {@code capacity} items, the oldest dropped first. Thread-safe: written by every event
 * loop, read by the admin listener; a write costs a lock held for one deque operation.
 */
final class Recent<T> {
  private final int capacity;
  private final ArrayDeque<T> items;

  Recent(int capacity) {
    this.capacity = capacity;
    this.items = new ArrayDeque<>(capacity);
  }

  synchronized void add(T item) {
    if (items.size() == capacity) {
      items.removeFirst();
    }
    items.addLast(item);
  }

  /** Up to {@code limit} items that pass {@code test}, newest first. */
  synchronized List<T> newest(Predicate<T> test, int limit) {
    List<T> out = new ArrayList<>(Math.min(limit, items.size()));
    for (Iterator<T> it = items.descendingIterator(); it.hasNext() && out.size() < limit; ) {
      T item = it.next();
      if (test.test(item)) {
        out.add(item);
      }
    }
    return out;
  }
}
