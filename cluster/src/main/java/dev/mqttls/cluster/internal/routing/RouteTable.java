package dev.mqttls.cluster.internal.routing;

import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.routing.Topics;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Shared subscriptions are entries too, by their full filter ({@code NODE \n
 * $share/GROUP/FILTER}: an ordinary filter never starts with {@code $share/}); in the mirror tree
 * each node is a member of the group, so that matching picks one node per group, round-robin. A
 * group that has a member on this node is served here ({@link #hasLocalGroup}) and not forwarded.
 */
@Listener(observation = Listener.Observation.POST)
public final class RouteTable implements TopicTree.Listener {
  private static final String SEP = "\n";
  private static final String SHARE = "$share/";
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

  /**
   * Local filter ({@code $share/GROUP/FILTER} for a shared one) → local subscriptions to it;
   * changed under this object's monitor, read by publishers without it.
   */
  private final Map<String, Integer> localCounts = new ConcurrentHashMap<>();

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

  /**
   * The other nodes a message to {@code topic} must go to, each with the share groups it is to
   * serve ({@code $share/GROUP/FILTER}; an empty list when it gets the message for its ordinary
   * subscriptions only). A share group with a member on this node is left out: this node serves it.
   * None: an empty map.
   */
  public Map<String, List<String>> nodesMatching(String topic) {
    List<ClientSubscription> out = MATCHES.get();
    out.clear();
    remote.match(Topics.levels(topic), id -> true, out);
    if (out.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> nodes = new LinkedHashMap<>();
    for (ClientSubscription s : out) {
      if (s.shareGroup() == null) {
        nodes.putIfAbsent(s.clientId(), List.of());
        continue;
      }
      String shared = s.fullFilter();
      if (hasLocalGroup(shared)) {
        continue;
      }
      List<String> groups = nodes.get(s.clientId());
      if (groups == null || groups.isEmpty()) {
        groups = new ArrayList<>(1);
        nodes.put(s.clientId(), groups);
      }
      groups.add(shared);
    }
    out.clear();
    return nodes;
  }

  /** Whether this node has a member of the shared subscription {@code $share/GROUP/FILTER}. */
  public boolean hasLocalGroup(String sharedFilter) {
    return localCounts.containsKey(sharedFilter);
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
    if (replaced) {
      return;
    }
    String filter = s.fullFilter();
    synchronized (this) {
      if (localCounts.merge(filter, 1, Integer::sum) == 1) {
        cache.put(self + SEP + filter, self);
      }
    }
  }

  @Override
  public void unsubscribed(String clientId, String filter, String shareGroup) {
    String full = shareGroup == null ? filter : SHARE + shareGroup + "/" + filter;
    synchronized (this) {
      Integer n = localCounts.computeIfPresent(full, (f, c) -> c == 1 ? null : c - 1);
      if (n == null) {
        cache.remove(self + SEP + full);
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
    ClientSubscription s = entry(node, key.substring(i + 1));
    if (remote.unsubscribe(node, s.filter(), s.shareGroup())) {
      perNode.computeIfPresent(node, (k, c) -> c == 1 ? null : c - 1);
    }
  }

  /** The mirror tree's entry for {@code node}'s filter (maybe {@code $share/GROUP/FILTER}). */
  private static ClientSubscription entry(String node, String filter) {
    String group = null;
    if (filter.startsWith(SHARE)) {
      int slash = filter.indexOf('/', SHARE.length());
      group = filter.substring(SHARE.length(), slash);
      filter = filter.substring(slash + 1);
    }
    return new ClientSubscription(node, filter, group, 2, false, true, 0, 0);
  }

  private void added(String key) {
    int i = key.indexOf(SEP);
    String node = key.substring(0, i);
    if (node.equals(self)) {
      return;
    }
    boolean existed = remote.subscribe(entry(node, key.substring(i + 1)));
    if (!existed) {
      perNode.merge(node, 1, Integer::sum);
    }
  }
}
