package dev.mqttls.cluster.internal.routing;

import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.routing.Topics;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryCreatedEvent;
import org.infinispan.notifications.cachelistener.event.CacheEntryRemovedEvent;

/**
 * Which node has a subscription to which filter: every node's distinct filters in a replicated
 * cache (key {@code NODE \n FILTER}), mirrored on each node into a topic tree whose "clients" are
 * node names, so that finding the nodes a topic must go to costs what matching a local subscription
 * costs. A node writes only its own keys, when a filter gets its first local subscriber or loses
 * its last (a {@link TopicTree.Listener} on the local tree), and synchronously, so that a SUBACK is
 * sent only once every node routes the filter here.
 *
 * <p>Shared subscriptions are routed on their own node only (not across nodes yet).
 */
@Listener(observation = Listener.Observation.POST)
public final class RouteTable implements TopicTree.Listener {
  private static final String SEP = "\n";
  private static final FastThreadLocal<List<ClientSubscription>> MATCHES =
      new FastThreadLocal<>() {
        @Override
        protected List<ClientSubscription> initialValue() {
          return new ArrayList<>();
        }
      };

  private final Cache<String, String> cache;
  private final String self;
  private final TopicTree remote = new TopicTree();

  /** Local filter → local subscriptions to it; changed under this object's monitor. */
  private final Map<String, Integer> localCounts = new HashMap<>();

  private final Map<String, Integer> perNode = new ConcurrentHashMap<>();

  public RouteTable(Cache<String, String> cache, String self) {
    this.cache = cache;
    this.self = self;
  }

  /**
   * Forgets what a previous life of this node left, reads the others' filters, starts listening.
   */
  public void start() {
    cache.addListener(this);
    for (String key : new ArrayList<>(cache.keySet())) {
      String node = key.substring(0, key.indexOf(SEP));
      if (node.equals(self)) {
        cache.remove(key);
      } else {
        added(key);
      }
    }
  }

  /** The other nodes with a subscription matching {@code topic} (none: an empty set). */
  public Set<String> nodesMatching(String topic) {
    List<ClientSubscription> out = MATCHES.get();
    out.clear();
    remote.match(Topics.levels(topic), id -> true, out);
    if (out.isEmpty()) {
      return Set.of();
    }
    Set<String> nodes = new LinkedHashSet<>();
    for (ClientSubscription s : out) {
      nodes.add(s.clientId());
    }
    out.clear();
    return nodes;
  }

  /** Number of distinct filters each node has, this one included. */
  public Map<String, Integer> filtersPerNode() {
    Map<String, Integer> m = new HashMap<>(perNode);
    synchronized (this) {
      m.put(self, localCounts.size());
    }
    return m;
  }

  /** Drops the entries of {@code node}, which left the cluster (any node may; it is idempotent). */
  public void purge(String node) {
    for (String key : new ArrayList<>(cache.keySet())) {
      if (key.startsWith(node + SEP)) {
        cache.remove(key);
      }
    }
  }

  /**
   * Writes again every local filter the cache lacks: after a partition heals, the other side may
   * have purged them (it saw this node leave).
   */
  public void reassert() {
    List<String> keys;
    synchronized (this) {
      keys = new ArrayList<>(localCounts.size());
      for (String f : localCounts.keySet()) {
        keys.add(self + SEP + f);
      }
    }
    for (String k : keys) {
      cache.putIfAbsent(k, self);
    }
  }

  @Override
  public void subscribed(ClientSubscription s, boolean replaced) {
    if (replaced || s.shareGroup() != null) {
      return;
    }
    synchronized (this) {
      if (localCounts.merge(s.filter(), 1, Integer::sum) == 1) {
        cache.put(self + SEP + s.filter(), self);
      }
    }
  }

  @Override
  public void unsubscribed(String clientId, String filter, String shareGroup) {
    if (shareGroup != null) {
      return;
    }
    synchronized (this) {
      Integer n = localCounts.computeIfPresent(filter, (f, c) -> c == 1 ? null : c - 1);
      if (n == null) {
        cache.remove(self + SEP + filter);
      }
    }
  }

  @CacheEntryCreated
  public void created(CacheEntryCreatedEvent<String, String> e) {
    added(e.getKey());
  }

  @CacheEntryRemoved
  public void removed(CacheEntryRemovedEvent<String, String> e) {
    String key = e.getKey();
    int i = key.indexOf(SEP);
    String node = key.substring(0, i);
    if (node.equals(self)) {
      return;
    }
    if (remote.unsubscribe(node, key.substring(i + 1), null)) {
      perNode.computeIfPresent(node, (k, c) -> c == 1 ? null : c - 1);
    }
  }

  private void added(String key) {
    int i = key.indexOf(SEP);
    String node = key.substring(0, i);
    if (node.equals(self)) {
      return;
    }
    boolean existed =
        remote.subscribe(
            new ClientSubscription(node, key.substring(i + 1), null, 2, false, true, 0, 0));
    if (!existed) {
      perNode.merge(node, 1, Integer::sum);
    }
  }
}
