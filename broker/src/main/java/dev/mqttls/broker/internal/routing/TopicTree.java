package dev.mqttls.broker.internal.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Subscriptions in a trie keyed by topic level, so that matching a topic costs in proportion to its
 * depth (and to the wildcard branches present), not to the number of subscriptions.
 *
 * <p>Matching runs on every publisher's event loop at once and takes no lock: nodes hold concurrent
 * maps. Changes (subscribe, unsubscribe) are serialized by one monitor, which also lets unsubscribe
 * prune empty branches without racing a concurrent subscribe.
 */
public final class TopicTree {
  private final Node root = new Node(null, null);

  /** Told of every change, after it is made (a cluster replicates the set of filters). */
  public interface Listener {
    /** {@code s} was added ({@code replaced}: it replaced the client's subscription to it). */
    void subscribed(ClientSubscription s, boolean replaced);

    /** {@code clientId}'s subscription to {@code filter} in {@code shareGroup} was removed. */
    void unsubscribed(String clientId, String filter, String shareGroup);
  }

  private static final Listener NO_LISTENER =
      new Listener() {
        @Override
        public void subscribed(ClientSubscription s, boolean replaced) {}

        @Override
        public void unsubscribed(String clientId, String filter, String shareGroup) {}
      };

  private volatile Listener listener = NO_LISTENER;

  /** Sets the one listener; before any subscription is made. */
  public void listener(Listener l) {
    listener = l;
  }

  /**
   * Adds or replaces {@code clientId}'s subscription to this filter.
   *
   * @return whether the client already had a subscription to this exact filter (and share group)
   */
  public boolean subscribe(ClientSubscription s) {
    boolean replaced = add(s);
    listener.subscribed(s, replaced);
    return replaced;
  }

  /**
   * Removes {@code clientId}'s subscription to {@code filter} in {@code shareGroup} (null for an
   * ordinary subscription).
   *
   * @return whether there was one
   */
  public boolean unsubscribe(String clientId, String filter, String shareGroup) {
    boolean removed = remove(clientId, filter, shareGroup);
    if (removed) {
      listener.unsubscribed(clientId, filter, shareGroup);
    }
    return removed;
  }

  private synchronized boolean add(ClientSubscription s) {
    Node n = root;
    for (String level : Topics.levels(s.filter())) {
      Node parent = n;
      n = n.children.computeIfAbsent(level, l -> new Node(parent, l));
    }
    if (s.shareGroup() == null) {
      return n.subscribers.put(s.clientId(), s) != null;
    }
    SharedGroup g = n.shared.computeIfAbsent(s.shareGroup(), name -> new SharedGroup());
    return g.members.put(s.clientId(), s) != null;
  }

  private synchronized boolean remove(String clientId, String filter, String shareGroup) {
    Node n = root;
    for (String level : Topics.levels(filter)) {
      n = n.children.get(level);
      if (n == null) {
        return false;
      }
    }
    boolean removed;
    if (shareGroup == null) {
      removed = n.subscribers.remove(clientId) != null;
    } else {
      SharedGroup g = n.shared.get(shareGroup);
      removed = g != null && g.members.remove(clientId) != null;
      if (g != null && g.members.isEmpty()) {
        n.shared.remove(shareGroup);
      }
    }
    prune(n);
    return removed;
  }

  /**
   * The subscriptions held: {@code [ordinary, shared]}. Walks the whole tree under its lock: for
   * {@code $SYS}, every sys_interval, never for a message.
   */
  public synchronized long[] count() {
    long[] c = new long[2];
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
    todo.add(root);
    while (!todo.isEmpty()) {
      Node n = todo.poll();
      c[0] += n.subscribers.size();
      for (SharedGroup g : n.shared.values()) {
        c[1] += g.members.size();
      }
      todo.addAll(n.children.values());
    }
    return c;
  }

  private void prune(Node n) {
    while (n.parent != null
        && n.subscribers.isEmpty()
        && n.shared.isEmpty()
        && n.children.isEmpty()) {
      n.parent.children.remove(n.level, n);
      n = n.parent;
    }
  }

  /**
   * Collects the subscriptions matching {@code topic}: every ordinary subscription, and for each
   * share group one member, chosen round-robin among those that {@code eligible} accepts (falling
   * back to any member when none is).
   */
  public void match(String topic, Predicate<String> eligible, List<ClientSubscription> out) {
    match(Topics.levels(topic), eligible, out);
  }

  /**
   * As {@link #match(String, Predicate, List)}, for a topic already split by {@link Topics#levels}.
   */
  public void match(String[] levels, Predicate<String> eligible, List<ClientSubscription> out) {
    List<SharedGroup> groups = collect(root, levels, out);
    if (groups != null) {
      for (SharedGroup g : groups) {
        ClientSubscription s = g.pick(eligible);
        if (s != null) {
          out.add(s);
        }
      }
    }
  }

  /**
   * Walks the branches that match {@code levels} with an explicit stack, not recursion: a topic may
   * be as deep as max_topic_levels allows (and one stored before a limit was lowered deeper still),
   * which must never cost a thread its stack.
   */
  private static List<SharedGroup> collect(
      Node root, String[] levels, List<ClientSubscription> out) {
    // MQTT 4.7.2: wildcards at the first level never match topics that start with '$'.
    boolean dollar = levels[0].startsWith("$");
    List<SharedGroup> groups = null;
    // Every PUBLISH walks the tree: the stack is this thread's, reused, so matching allocates
    // nothing of its own (two deques and their arrays per message showed as a quarter of the
    // broker's garbage under QoS 0 load).
    WalkStack stack = WALK.get();
    stack.clear();
    stack.push(root, 0);
    while (stack.size > 0) {
      int top = --stack.size;
      Node n = stack.nodes[top];
      stack.nodes[top] = null;
      int i = stack.depths[top];
      if (i == levels.length) {
        groups = addAll(n, out, groups);
        Node hash = n.children.get("#");
        if (hash != null) {
          groups = addAll(hash, out, groups);
        }
        continue;
      }
      boolean wildOk = !(i == 0 && dollar);
      Node exact = n.children.get(levels[i]);
      if (exact != null) {
        stack.push(exact, i + 1);
      }
      if (wildOk) {
        Node plus = n.children.get("+");
        if (plus != null) {
          stack.push(plus, i + 1);
        }
        Node hash = n.children.get("#");
        if (hash != null) {
          groups = addAll(hash, out, groups);
        }
      }
    }
    return groups;
  }

  private static final ThreadLocal<WalkStack> WALK = ThreadLocal.withInitial(WalkStack::new);

  /** The branches still to visit in one walk; grows with the deepest walk the thread has made. */
  private static final class WalkStack {
    Node[] nodes = new Node[16];
    int[] depths = new int[16];
    int size;

    void clear() {
      Arrays.fill(nodes, 0, size, null);
      size = 0;
    }

    void push(Node n, int depth) {
      if (size == nodes.length) {
        nodes = Arrays.copyOf(nodes, size * 2);
        depths = Arrays.copyOf(depths, size * 2);
      }
      nodes[size] = n;
      depths[size] = depth;
      size++;
    }
  }

  private static List<SharedGroup> addAll(
      Node n, List<ClientSubscription> out, List<SharedGroup> groups) {
    if (!n.subscribers.isEmpty()) {
      // Not out.addAll(values()): that copies the values into a fresh array first.
      for (ClientSubscription s : n.subscribers.values()) {
        out.add(s);
      }
    }
    if (!n.shared.isEmpty()) {
      if (groups == null) {
        groups = new ArrayList<>(2);
      }
      groups.addAll(n.shared.values());
    }
    return groups;
  }

  private static final class Node {
    final Node parent;
    final String level;
    final Map<String, Node> children = new ConcurrentHashMap<>(4);
    final Map<String, ClientSubscription> subscribers = new ConcurrentHashMap<>(2);
    final Map<String, SharedGroup> shared = new ConcurrentHashMap<>(1);

    Node(Node parent, String level) {
      this.parent = parent;
      this.level = level;
    }
  }

  private static final class SharedGroup {
    final Map<String, ClientSubscription> members = new ConcurrentHashMap<>();
    final AtomicInteger next = new AtomicInteger();

    ClientSubscription pick(Predicate<String> eligible) {
      Object[] all = members.values().toArray();
      if (all.length == 0) {
        return null;
      }
      int start = Math.floorMod(next.getAndIncrement(), all.length);
      for (int k = 0; k < all.length; k++) {
        ClientSubscription s = (ClientSubscription) all[(start + k) % all.length];
        if (eligible.test(s.clientId())) {
          return s;
        }
      }
      return (ClientSubscription) all[start];
    }
  }
}
