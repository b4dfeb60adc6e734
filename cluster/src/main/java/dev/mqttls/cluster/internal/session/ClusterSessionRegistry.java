package dev.mqttls.cluster.internal.session;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Subscriber;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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

  private final LocalSessionRegistry local;
  private final Cache<String, String> owners;
  private final String self;
  private final Forwarder forwarder;
  private final Membership membership;
  private final ReplicatedJournal journal;
  private volatile EventLoopGroup loops;
  private volatile LiveAccess access;

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
  }

  /** The broker is assembled: where adopted sessions live and which ACLs they get. */
  public void start(EventLoopGroup loops, LiveAccess access) {
    this.loops = loops;
    this.access = access;
  }

  @Override
  public CompletionStage<Claim> claim(String clientId, boolean cleanStart, EventExecutor loop) {
    return owners
        .putAsync(clientId, self)
        .thenCompose(previous -> handOverFrom(previous, clientId))
        .thenComposeAsync(previous -> takeHere(previous, clientId, cleanStart, loop), loop);
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
              if (stored != null && adopt(stored, loop)) {
                LOG.info(
                    "Cluster: session of client {} continues here from {}: {} subscription(s), {}"
                        + " message(s)",
                    clientId,
                    previous,
                    stored.record().subscriptions().size(),
                    stored.messages().size());
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
        // Conditional: a client that meanwhile connected to some node has its owner there.
        if (node.equals(e.getValue())
            && !PersistentNodes.isMarker(clientId)
            && owners.replace(clientId, node, self)) {
          adoptions.add(adoptOrphan(clientId, node));
        }
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
              if (stored != null && !self.equals(owners.get(clientId))) {
                // The client connected to another node meanwhile, which read the session itself.
                stored.messages().forEach(m -> m.message().release());
                return;
              }
              if (stored != null && adopt(stored, loop)) {
                LOG.info(
                    "Cluster: adopted the session of client {} from {} (left): {}"
                        + " subscription(s), {} message(s)",
                    clientId,
                    node,
                    stored.record().subscriptions().size(),
                    stored.messages().size());
              }
            },
            loop);
  }

  /** On {@code loop}. */
  private boolean adopt(Journal.StoredSession stored, EventExecutor loop) {
    journal.resume(stored.record().clientId());
    AccessControl acl = access.current();
    return local.adopt(stored, acl, loop);
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

  @Override
  public Subscriber subscriber(String clientId) {
    return local.subscriber(clientId);
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
