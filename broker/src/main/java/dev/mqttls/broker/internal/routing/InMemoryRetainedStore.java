package dev.mqttls.broker.internal.routing;

import dev.mqttls.broker.internal.time.Ticker;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Retained messages in a trie by topic level, so that a wildcard subscription visits only the
 * branches its filter can match. Readers take no lock; writers serialize on the store.
 */
public final class InMemoryRetainedStore implements RetainedStore {
  private final Node root = new Node(null, null);
  private final AtomicInteger count = new AtomicInteger();
  private final Ticker ticker;

  public InMemoryRetainedStore(Ticker ticker) {
    this.ticker = ticker;
  }

  @Override
  public synchronized void put(String topic, Message message) {
    boolean clear = !message.publish().payload().isReadable();
    Node n = root;
    for (String level : Topics.levels(topic)) {
      Node next = n.children.get(level);
      if (next == null) {
        if (clear) {
          message.release();
          return;
        }
        next = new Node(n, level);
        n.children.put(level, next);
      }
      n = next;
    }
    Message old = n.message;
    if (clear) {
      n.message = null;
      message.release();
      prune(n);
    } else {
      n.message = message;
      if (old == null) {
        count.incrementAndGet();
      }
    }
    if (old != null) {
      if (clear) {
        count.decrementAndGet();
      }
      old.release();
    }
  }

  private static void prune(Node n) {
    while (n.parent != null && n.message == null && n.children.isEmpty()) {
      n.parent.children.remove(n.level, n);
      n = n.parent;
    }
  }

  @Override
  public void forEachMatching(String filter, Consumer<Message> sink) {
    String[] f = Topics.levels(filter);
    // An explicit stack, not recursion: see TopicTree.collect.
    ArrayDeque<Node> nodes = new ArrayDeque<>();
    ArrayDeque<Integer> depths = new ArrayDeque<>();
    nodes.push(root);
    depths.push(0);
    while (!nodes.isEmpty()) {
      Node n = nodes.pop();
      int i = depths.pop();
      if (i == f.length) {
        emit(n, sink);
        continue;
      }
      String level = f[i];
      if (level.equals("#")) {
        // '#' also matches the parent level ("a/#" matches "a").
        if (i > 0) {
          emit(n, sink);
        }
        all(n, i == 0, sink);
        continue;
      }
      if (level.equals("+")) {
        for (Map.Entry<String, Node> e : n.children.entrySet()) {
          if (i == 0 && e.getKey().startsWith("$")) {
            continue;
          }
          nodes.push(e.getValue());
          depths.push(i + 1);
        }
        continue;
      }
      Node next = n.children.get(level);
      if (next != null) {
        nodes.push(next);
        depths.push(i + 1);
      }
    }
  }

  /** Every message below {@code top} (not its own), skipping '$' topics at the first level. */
  private void all(Node top, boolean first, Consumer<Message> sink) {
    ArrayDeque<Node> pending = new ArrayDeque<>();
    for (Map.Entry<String, Node> e : top.children.entrySet()) {
      if (!(first && e.getKey().startsWith("$"))) {
        pending.push(e.getValue());
      }
    }
    while (!pending.isEmpty()) {
      Node n = pending.pop();
      emit(n, sink);
      for (Node c : n.children.values()) {
        pending.push(c);
      }
    }
  }

  private void emit(Node n, Consumer<Message> sink) {
    Message m;
    synchronized (this) {
      m = n.message;
      if (m == null || m.expired(ticker.nanoTime())) {
        return;
      }
      m.retain();
    }
    sink.accept(m);
  }

  @Override
  public int size() {
    return count.get();
  }

  @Override
  public synchronized void clear() {
    clear(root);
    root.children.clear();
    count.set(0);
  }

  private void clear(Node top) {
    ArrayDeque<Node> pending = new ArrayDeque<>();
    pending.push(top);
    while (!pending.isEmpty()) {
      Node n = pending.pop();
      if (n.message != null) {
        n.message.release();
        n.message = null;
      }
      for (Node c : n.children.values()) {
        pending.push(c);
      }
    }
  }

  private static final class Node {
    final Node parent;
    final String level;
    final Map<String, Node> children = new ConcurrentHashMap<>(4);
    Message message;

    Node(Node parent, String level) {
      this.parent = parent;
      this.level = level;
    }
  }
}
