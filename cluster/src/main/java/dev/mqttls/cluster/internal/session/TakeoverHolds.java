package dev.mqttls.cluster.internal.session;

import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.session.LocalSessionRegistry;
import dev.mqttls.broker.internal.session.Session;
import io.netty.util.concurrent.EventExecutor;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's {@link TakeoverHold}s, at most one per client id whose session is moving here: opened
 * before the previous node is asked to let the session go, settled once the session is here (or the
 * move failed).
 */
final class TakeoverHolds {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  private final Map<String, TakeoverHold> holds = new ConcurrentHashMap<>();
  private final LocalSessionRegistry local;
  private final ReplicatedJournal journal;
  private volatile TopicTree tree;

  TakeoverHolds(LocalSessionRegistry local, ReplicatedJournal journal) {
    this.local = local;
    this.journal = journal;
  }

  /** The topic tree holds subscribe in: the broker is assembled. */
  void start(TopicTree tree) {
    this.tree = tree;
  }

  /** The hold of {@code clientId}, or null (cheap when there is none at all). */
  TakeoverHold get(String clientId) {
    return holds.isEmpty() ? null : holds.get(clientId);
  }

  /**
   * Opens a hold for {@code clientId}: its subscriptions (from its record in the cache) go into
   * this node's topic tree, so that every node routes matching messages here too. Null when the
   * record has none, this node holds the session already, or a hold is open already.
   */
  CompletableFuture<TakeoverHold> open(String clientId, EventExecutor loop) {
    return journal
        .subscriptions(clientId)
        .thenApplyAsync(
            subs -> {
              if (subs.isEmpty() || local.get(clientId) != null) {
                return null;
              }
              TakeoverHold h = new TakeoverHold(clientId, subs);
              if (holds.putIfAbsent(clientId, h) != null) {
                return null;
              }
              // Written through to every node's route table before this returns.
              subs.forEach(tree::subscribe);
              return h;
            },
            loop)
        .exceptionally(
            e -> {
              LOG.debug("Cluster: no takeover hold for client {}: {}", clientId, e.toString());
              return null;
            });
  }

  /** The session of {@code clientId} was adopted here with messages of these cluster ids. */
  void brought(String clientId, Set<Long> ids) {
    TakeoverHold h = get(clientId);
    if (h != null) {
      h.brought(ids);
    }
  }

  /**
   * The move has ended: the hold's messages go to {@code s} (null: the claim failed, they are
   * refused), and its filters the session does not have leave the topic tree.
   */
  void settle(String clientId, TakeoverHold h, Session s) {
    if (s == null) {
      h.abandon();
      holds.remove(clientId, h);
      Session now = local.get(clientId);
      if (now == null) {
        h.subscriptions().forEach(c -> tree.unsubscribe(clientId, c.filter(), c.shareGroup()));
      } else {
        now.run(() -> dropFiltersNotIn(now, clientId, h));
      }
      return;
    }
    s.run(
        () -> {
          dropFiltersNotIn(s, clientId, h);
          h.drainInto(s);
          holds.remove(clientId, h);
        });
  }

  private void dropFiltersNotIn(Session s, String clientId, TakeoverHold h) {
    for (ClientSubscription c : h.subscriptions()) {
      if (!s.hasSubscription(c.fullFilter())) {
        tree.unsubscribe(clientId, c.filter(), c.shareGroup());
      }
    }
  }
}
