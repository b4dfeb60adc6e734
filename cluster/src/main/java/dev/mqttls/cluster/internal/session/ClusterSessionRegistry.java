package dev.mqttls.cluster.internal.session;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Subscriber;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.security.AccessControl;
import dev.mqttls.broker.internal.security.LiveAccess;
import dev.mqttls.broker.internal.session.LocalSessionRegistry;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.broker.internal.session.SessionRegistry;
import dev.mqttls.cluster.internal.Membership;
import dev.mqttls.cluster.internal.routing.Forwarder;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.infinispan.Cache;
import org.infinispan.context.Flag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's sessions, with each client id owned by one node cluster-wide: a replicated cache maps
 * client id to the node that claimed it last. A claim here records this node as the owner and tells
 * the previous owner, which closes its connection (Session Taken Over), ends its copy of the
 * session and answers once its writes for it have reached the session cache; this node then reads
 * the persistent session from that cache ({@link ReplicatedJournal}) and continues it, before the
 * CONNACK. When a node leaves the view, the sessions it owned are adopted by one survivor (its
 * heir) as offline sessions, so that messages are queued for them again. A node cut off from the
 * majority takes no claims.
 */
public final class ClusterSessionRegistry implements SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");
  private static final int READ_ATTEMPTS = 2;
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final LocalSessionRegistry local;
  private final Cache<String, String> owners;
  private final String self;
  private final Forwarder forwarder;
  private final Membership membership;
  private final ReplicatedJournal journal;
  private volatile EventLoopGroup loops;
  private volatile LiveAccess access;
  private final TakeoverHolds holds;

  /**
   * Client ids this node is adopting (from a node that left or is leaving), set before this node
   * becomes their owner: a client connecting here meanwhile waits for the adopted session instead
   * of starting an empty one beside it.
   */
  private final Map<String, CompletableFuture<Void>> adopting = new ConcurrentHashMap<>();

  public ClusterSessionRegistry(
      LocalSessionRegistry local,
      Cache<String, String> owners,
      String self,
      Forwarder forwarder,
      Membership membership,
      ReplicatedJournal journal) {
    this.local = local;
    this.owners = owners;
    this.self = self;
    this.forwarder = forwarder;
    this.membership = membership;
    this.journal = journal;
    this.holds = new TakeoverHolds(local, journal);
  }

  /**
   * The broker is assembled: where adopted sessions live, which ACLs they get, and the topic tree
   * that takeover holds subscribe in.
   */
  public void start(EventLoopGroup loops, LiveAccess access, TopicTree tree) {
    this.loops = loops;
    this.access = access;
    holds.start(tree);
  }

  @Override
  public CompletionStage<Claim> claim(String clientId, boolean cleanStart, EventExecutor loop) {
    CompletableFuture<TakeoverHold> holding = new CompletableFuture<>();
    CompletableFuture<Claim> claimed =
        owners
            .putAsync(clientId, self)
            .thenCompose(previous -> adoption(clientId).thenApply(x -> previous))
            .thenCompose(
                previous ->
                    hold(previous, clientId, cleanStart, loop)
                        .thenCompose(
                            h -> {
                              holding.complete(h);
                              return handOverFrom(previous, clientId);
                            }))
            .thenComposeAsync(previous -> takeHere(previous, clientId, cleanStart, loop), loop)
            .toCompletableFuture();
    return claimed.whenComplete(
        (c, e) -> {
          TakeoverHold h = holding.getNow(null);
          if (h != null) {
            holds.settle(clientId, h, c == null ? null : c.session());
          }
        });
  }

  /** Completes when no adoption of {@code clientId} by this node is under way. */
  private CompletableFuture<Void> adoption(String clientId) {
    CompletableFuture<Void> a = adopting.get(clientId);
    return a == null ? DONE : a.handle((x, e) -> (Void) null);
  }

  /**
   * Marks {@code clientId} as being adopted here while {@code adoption} runs (it starts only once
   * the mark is set), and removes the mark when it ends.
   */
  private CompletableFuture<Void> adopting(
      String clientId, Supplier<CompletableFuture<Void>> adoption) {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<Void> earlier = adopting.putIfAbsent(clientId, gate);
    if (earlier != null) {
      return earlier;
    }
    try {
      adoption.get().whenComplete((x, e) -> gate.complete(null));
    } catch (RuntimeException e) {
      gate.complete(null);
    }
    gate.whenComplete((x, e) -> adopting.remove(clientId, gate));
    return gate;
  }

  /**
   * {@code node} is leaving the cluster and hands {@code clientId}'s session here: it is taken over
   * as a connecting client's would be (a hold first, then the previous node lets go, then the cache
   * is read) and kept here offline. Completes when that is done, or when there was nothing to take
   * (the client connected elsewhere meanwhile, or this node is in a minority).
   */
  public CompletableFuture<Void> adoptFrom(String node, String clientId) {
    if (loops == null || membership.minority()) {
      return DONE;
    }
    EventExecutor loop = loops.next();
    return adopting(
        clientId,
        () ->
            owners
                .replaceAsync(clientId, node, self)
                .thenCompose(
                    replaced -> {
                      if (!replaced) {
                        return DONE;
                      }
                      CompletableFuture<TakeoverHold> holding = new CompletableFuture<>();
                      return hold(node, clientId, false, loop)
                          .thenCompose(
                              h -> {
                                holding.complete(h);
                                return forwarder.takeover(node, clientId);
                              })
                          .thenComposeAsync(x -> adoptHere(clientId, node, loop), loop)
                          .whenComplete(
                              (x, e) -> {
                                TakeoverHold h = holding.getNow(null);
                                if (h != null) {
                                  holds.settle(clientId, h, local.get(clientId));
                                }
                              });
                    }));
  }

  /** On {@code loop}: reads {@code clientId}'s session from the cache and keeps it here offline. */
  private CompletableFuture<Void> adoptHere(String clientId, String node, EventExecutor loop) {
    if (local.get(clientId) != null) {
      return DONE;
    }
    return read(clientId, 1)
        .thenAcceptAsync(
            stored -> {
              if (stillOwner(stored, clientId, node)) {
                adopt(stored, loop, "handed over here by " + node + " (leaving)");
              }
            },
            loop);
  }

  /**
   * Whether this node still owns {@code clientId}, so may adopt {@code stored}: the client may have
   * connected to another node meanwhile, which continues the session itself (then the messages of
   * {@code stored} are released).
   */
  private boolean stillOwner(Journal.StoredSession stored, String clientId, String from) {
    if (stored == null || self.equals(owners.get(clientId))) {
      return true;
    }
    stored.messages().forEach(m -> m.message().release());
    LOG.info(
        "Cluster: session of client {} from {} not adopted: the client connected to another node"
            + " meanwhile",
        clientId,
        from);
    return false;
  }

  /**
   * This node is leaving: each of its sessions is handed to one of the other nodes (spread by
   * client id), which adopts it while this node still answers for it; waits at most {@code
   * timeoutMs} in all. What is not adopted by then is settled by an heir once this node has left.
   */
  public void handOffAll(long timeoutMs) {
    List<String> others = new ArrayList<>(membership.members());
    others.remove(self);
    if (others.isEmpty() || membership.minority()) {
      return;
    }
    List<CompletableFuture<Boolean>> asked = new ArrayList<>();
    for (Session s : local.all()) {
      String id = s.clientId();
      asked.add(forwarder.handOff(others.get(Math.floorMod(id.hashCode(), others.size())), id));
    }
    if (asked.isEmpty()) {
      return;
    }
    long started = System.nanoTime();
    try {
      CompletableFuture.allOf(asked.toArray(new CompletableFuture<?>[0]))
          .get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Counted below.
    }
    long adopted = asked.stream().filter(f -> Boolean.TRUE.equals(f.getNow(false))).count();
    LOG.info(
        "Cluster: leaving: {} of {} session(s) handed over to {} in {} ms",
        adopted,
        asked.size(),
        others,
        (System.nanoTime() - started) / 1_000_000L);
  }

  /**
   * When a persistent session moves here from another node: its subscriptions (from its record in
   * the cache) go into this node's topic tree, held by a {@link TakeoverHold}, before the previous
   * node is asked to let the session go, so that no message for it finds no route meanwhile. Null
   * when nothing moves.
   */
  private CompletableFuture<TakeoverHold> hold(
      String previous, String clientId, boolean cleanStart, EventExecutor loop) {
    if (cleanStart || previous == null || previous.equals(self) || local.get(clientId) != null) {
      return CompletableFuture.completedFuture(null);
    }
    return holds.open(clientId, loop);
  }

  /** Has the previous owner (when alive and not this node) end its copy first. */
  private CompletableFuture<String> handOverFrom(String previous, String clientId) {
    if (previous == null || previous.equals(self) || !membership.members().contains(previous)) {
      return CompletableFuture.completedFuture(previous);
    }
    return forwarder.takeover(previous, clientId).thenApply(handed -> previous);
  }

  /** On the claiming connection's loop. */
  private CompletionStage<Claim> takeHere(
      String previous, String clientId, boolean cleanStart, EventExecutor loop) {
    journal.resume(clientId);
    if (previous == null || previous.equals(self) || local.get(clientId) != null) {
      if (previous != null && !previous.equals(self)) {
        LOG.info(
            "Cluster: session of client {} continues here from {}: this node held it already",
            clientId,
            previous);
      }
      return local.claim(clientId, cleanStart, loop);
    }
    if (cleanStart) {
      // What the previous node left in the cache must not come back after a failover.
      journal.removeSession(clientId);
      return local.claim(clientId, true, loop);
    }
    return read(clientId, 1)
        .thenComposeAsync(
            stored -> {
              if (!adopt(stored, loop, "continues here from " + previous)) {
                LOG.info(
                    "Cluster: client {} was on {}; no session of it to continue (none in the"
                        + " cache, or this node holds one already)",
                    clientId,
                    previous);
              }
              return local.claim(clientId, false, loop);
            },
            loop);
  }

  /**
   * Another node took {@code clientId} over: closes its connection here and ends the session,
   * keeping the distributed copy for that node. Completes once this node's writes for the client id
   * have reached the cache.
   */
  public CompletableFuture<Void> takenOver(String clientId) {
    // An adoption under way here first ends, so that what it adopts is what is ended here (else
    // the session would live on here beside the taker's, offline and forever queueing).
    return adoption(clientId).thenCompose(x -> endHere(clientId));
  }

  private CompletableFuture<Void> endHere(String clientId) {
    Session s = local.get(clientId);
    if (s == null) {
      return journal.flushed(clientId);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    s.run(
        () -> {
          journal.handOver(clientId);
          local.evict(clientId);
          journal.flushed(clientId).whenComplete((x, e) -> done.complete(null));
        });
    // A loop that is shutting down never runs the task: the taker waits at most its timeout.
    return done;
  }

  /**
   * Nodes left the view: each one that still has filters in the route table, or is in {@code gone},
   * is settled by its heir (one survivor, chosen by hash over the surviving nodes, so that every
   * session lives on exactly one): the heir adopts the persistent sessions that node owned as
   * offline sessions here (their filters go into the route table for this node), and only then
   * drops that node's filters with {@code purge}, so that a message is never without a route to
   * them. A node on the minority side adopts nothing (the majority may still hold them). Call off
   * the view listener's thread.
   */
  public void nodesLeft(Set<String> gone, Set<String> routed, Consumer<String> purge) {
    List<String> alive = new ArrayList<>(membership.members());
    Set<String> departed = new TreeSet<>(gone);
    for (String n : routed) {
      if (!alive.contains(n)) {
        departed.add(n);
      }
    }
    if (alive.isEmpty() || departed.isEmpty()) {
      return;
    }
    for (String node : departed) {
      if (!alive.get(Math.floorMod(node.hashCode(), alive.size())).equals(self)) {
        continue;
      }
      if (loops == null || membership.minority()) {
        purge.accept(node);
        continue;
      }
      List<CompletableFuture<Void>> adoptions = new ArrayList<>();
      for (Map.Entry<String, String> e :
          owners.getAdvancedCache().withFlags(Flag.CACHE_MODE_LOCAL).entrySet()) {
        String clientId = e.getKey();
        if (!node.equals(e.getValue()) || PersistentNodes.isMarker(clientId)) {
          continue;
        }
        // Conditional: a client that meanwhile connected to some node has its owner there.
        adoptions.add(
            adopting(
                clientId,
                () ->
                    owners.replace(clientId, node, self)
                        ? adoptOrphan(clientId, node)
                        : CompletableFuture.completedFuture(null)));
      }
      CompletableFuture.allOf(adoptions.toArray(new CompletableFuture<?>[0]))
          .whenCompleteAsync((x, e) -> purge.accept(node));
    }
  }

  private CompletableFuture<Void> adoptOrphan(String clientId, String node) {
    EventExecutor loop = loops.next();
    return read(clientId, 1)
        .thenAcceptAsync(
            stored -> {
              if (stillOwner(stored, clientId, node + " (left)")) {
                adopt(stored, loop, "adopted here from " + node + " (left)");
              }
            },
            loop);
  }

  /**
   * On {@code loop}: adopts {@code stored} (null: none) and logs it, saying {@code how} it came.
   *
   * @return whether it was adopted
   */
  private boolean adopt(Journal.StoredSession stored, EventExecutor loop, String how) {
    if (stored == null || !adopt(stored, loop)) {
      return false;
    }
    LOG.info(
        "Cluster: session of client {} {}: {} subscription(s), {} message(s)",
        stored.record().clientId(),
        how,
        stored.record().subscriptions().size(),
        stored.messages().size());
    return true;
  }

  /** On {@code loop}. */
  private boolean adopt(Journal.StoredSession stored, EventExecutor loop) {
    String clientId = stored.record().clientId();
    Set<Long> ids = new HashSet<>();
    stored.messages().forEach(m -> ids.add(m.message().clusterId()));
    journal.resume(clientId);
    AccessControl acl = access.current();
    if (!local.adopt(stored, acl, loop)) {
      return false;
    }
    // What a hold kept of these is in the session now.
    holds.brought(clientId, ids);
    return true;
  }

  /**
   * The session in the cache; retried while the cache settles after a view change (a read may fail
   * while owners move), then given up as none.
   */
  private CompletableFuture<Journal.StoredSession> read(String clientId, int attempt) {
    return journal
        .read(clientId)
        .handle(
            (stored, e) -> {
              if (e == null) {
                return CompletableFuture.completedFuture(stored);
              }
              if (attempt >= READ_ATTEMPTS) {
                LOG.warn(
                    "Cluster: could not read the session of client {} from the cache: {}",
                    clientId,
                    e.toString());
                return CompletableFuture.<Journal.StoredSession>completedFuture(null);
              }
              return CompletableFuture.supplyAsync(
                      () -> null, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
                  .thenCompose(x -> read(clientId, attempt + 1));
            })
        .thenCompose(f -> f);
  }

  @Override
  public String unavailable() {
    return membership.minorityReason();
  }

  @Override
  public Session get(String clientId) {
    return local.get(clientId);
  }

  /** A session moving here is served by its hold until the move ends, then by the session. */
  @Override
  public Subscriber subscriber(String clientId) {
    TakeoverHold h = holds.get(clientId);
    return h != null ? h : local.subscriber(clientId);
  }

  @Override
  public RestoreCount restore(Collection<Journal.StoredSession> stored, AccessControl access) {
    return local.restore(stored, access);
  }

  @Override
  public Collection<Session> all() {
    return local.all();
  }

  @Override
  public int size() {
    return local.size();
  }
}
