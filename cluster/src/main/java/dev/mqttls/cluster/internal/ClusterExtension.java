package dev.mqttls.cluster.internal;

import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.LocalRouter;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.routing.RetainedStore;
import dev.mqttls.broker.internal.routing.Router;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.session.LocalSessionRegistry;
import dev.mqttls.broker.internal.session.SessionRegistry;
import dev.mqttls.broker.internal.session.Wills;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.broker.spi.BrokerExtension;
import dev.mqttls.cluster.ClusterConfig;
import dev.mqttls.cluster.ClusterStatus;
import dev.mqttls.cluster.internal.routing.ClusterJournal;
import dev.mqttls.cluster.internal.routing.ClusterRouter;
import dev.mqttls.cluster.internal.routing.Forwarder;
import dev.mqttls.cluster.internal.routing.ReplicatedRetainedStore;
import dev.mqttls.cluster.internal.routing.RouteTable;
import dev.mqttls.cluster.internal.session.ClusterSessionRegistry;
import dev.mqttls.cluster.internal.session.PersistentNodes;
import dev.mqttls.cluster.internal.session.ReplicatedJournal;
import dev.mqttls.cluster.internal.session.SessionCache;
import dev.mqttls.cluster.internal.transport.NodeStack;
import dev.mqttls.cluster.internal.transport.NodeTls;
import dev.mqttls.cluster.internal.transport.PreparedChannel;
import dev.mqttls.cluster.internal.will.DeadNodeWills;
import dev.mqttls.cluster.internal.will.ReplicatedWills;
import dev.mqttls.cluster.internal.wire.Frame;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.global.ShutdownHookBehavior;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.partitionhandling.PartitionHandling;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.jgroups.JChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the cluster into a starting broker through its {@link BrokerExtension} hooks: starts
 * Infinispan on this node's JGroups stack (joining the others), then supplies the journal that
 * waits for other nodes, the replicated retained store, the cluster-wide session registry and the
 * forwarding router; publishes {@code $SYS/broker/cluster/...} on this node.
 */
public final class ClusterExtension implements BrokerExtension, Forwarder.Inbound {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  /** How long a stopping node waits for its session writes to reach the cache before it leaves. */
  private static final long LEAVE_FLUSH_MS = 5_000;

  /** How long a stopping node waits, in all, for other nodes to adopt its sessions. */
  private static final long HAND_OFF_MS = 15_000;

  static final String ROUTES = "mqttls-routes";
  static final String RETAINED = "mqttls-retained";
  static final String OWNERS = "mqttls-client-owners";
  static final String SESSIONS = "mqttls-sessions";
  static final String WILLS = "mqttls-wills";

  private final ClusterConfig config;
  private final Ticker ticker = Ticker.system();
  private final ClusterIds ids;
  private DefaultCacheManager caches;
  private JChannel channel;
  private Forwarder forwarder;
  private Membership membership;
  private RouteTable routes;
  private ClusterJournal journal;
  private ClusterSessionRegistry sessions;
  private ReplicatedJournal replicated;
  private PersistentNodes persistentNodes;
  private LocalRouter localRouter;
  private TopicTree tree;
  private final AtomicBoolean left = new AtomicBoolean();
  private volatile EventLoopGroup loops;
  private final Map<String, EventLoop> loopOfNode = new ConcurrentHashMap<>();
  private ScheduledFuture<?> sysTask;
  private DeadNodeWills deadNodeWills;
  private ReplicatedWills replicatedWills;

  public ClusterExtension(ClusterConfig config) {
    this.config = config;
    this.ids = new ClusterIds(ticker, config.nodeName());
  }

  @Override
  public Journal journal(Journal local) {
    SSLContext tls = config.tls() ? NodeTls.context(config) : null;
    if (tls == null) {
      LOG.warn(
          "Cluster: node-to-node traffic on {} is not encrypted (no cluster_certfile); loopback"
              + " only",
          config.bind());
    }
    try {
      channel = NodeStack.channel(config, tls);
      GlobalConfigurationBuilder g = GlobalConfigurationBuilder.defaultClusteredBuilder();
      g.transport()
          .clusterName(config.name())
          .nodeName(config.nodeName())
          .addProperty(JGroupsTransport.CHANNEL_CONFIGURATOR, new PreparedChannel(channel));
      g.jmx().enabled(false);
      // Our shutdown leaves the cluster in order (sessions handed over first); Infinispan's own
      // hook would stop the caches at once, beside it.
      g.shutdown().hookBehavior(ShutdownHookBehavior.DONT_REGISTER);
      membership =
          new Membership(
              config.nodeName(),
              config.peers().contains(config.bind())
                  ? config.peers().size()
                  : config.peers().size() + 1,
              config.majority(),
              gone ->
                  // Off the view listener's thread: these are cluster-wide writes.
                  java.util.concurrent.ForkJoinPool.commonPool()
                      .execute(
                          () -> {
                            if (sessions != null && routes != null) {
                              // The heir of each adopts its sessions, then purges its filters.
                              sessions.nodesLeft(
                                  gone, routes.filtersPerNode().keySet(), routes::purge);
                            } else if (routes != null) {
                              gone.forEach(routes::purge);
                            }
                          }),
              () -> {
                // Off the view listener's thread: these are cluster-wide writes.
                java.util.concurrent.ForkJoinPool.commonPool()
                    .execute(
                        () -> {
                          if (routes != null) {
                            routes.reassert();
                          }
                        });
                publishSys();
              });
      caches = new DefaultCacheManager(g.build(), false);
      ConfigurationBuilder repl = new ConfigurationBuilder();
      repl.clustering()
          .cacheMode(CacheMode.REPL_SYNC)
          .partitionHandling()
          .whenSplit(PartitionHandling.ALLOW_READ_WRITES);
      caches.defineConfiguration(ROUTES, repl.build());
      caches.defineConfiguration(RETAINED, repl.build());
      caches.defineConfiguration(OWNERS, repl.build());
      caches.defineConfiguration(SESSIONS, SessionCache.configuration(config.backups()));
      caches.defineConfiguration(WILLS, repl.build());
      caches.start();
      caches.addListener(membership);
      membership.initial(caches.getMembers());
      persistentNodes = new PersistentNodes(caches.getCache(OWNERS), config.nodeName());
      forwarder = new Forwarder(channel, this, persistentNodes, ids);
    } catch (BrokerStartException e) {
      throw e;
    } catch (Exception e) {
      throw new BrokerStartException(
          "cluster: cannot join cluster '"
              + config.name()
              + "' from "
              + config.bind()
              + ": "
              + rootMessage(e),
          e);
    }
    replicated =
        new ReplicatedJournal(
            local, caches.getCache(SESSIONS), persistentNodes, ticker, ids, config.backups() + 1);
    journal = new ClusterJournal(replicated);
    return journal;
  }

  @Override
  public RetainedStore retainedStore(RetainedStore local) {
    Cache<String, byte[]> cache = caches.getCache(RETAINED);
    ReplicatedRetainedStore store = new ReplicatedRetainedStore(local, cache, ticker);
    store.start();
    return store;
  }

  @Override
  public SessionRegistry sessions(LocalSessionRegistry local) {
    Cache<String, String> owners = caches.getCache(OWNERS);
    sessions =
        new ClusterSessionRegistry(
            local, owners, config.nodeName(), forwarder, membership, replicated);
    return sessions;
  }

  @Override
  public Router router(LocalRouter local, TopicTree tree) {
    Cache<String, String> cache = caches.getCache(ROUTES);
    routes = new RouteTable(cache, config.nodeName());
    routes.start();
    tree.listener(routes);
    this.tree = tree;
    localRouter = local;
    return new ClusterRouter(local, routes, forwarder, persistentNodes);
  }

  @Override
  public Wills wills(Wills local) {
    replicatedWills = new ReplicatedWills(caches.getCache(WILLS), config.nodeName(), ticker);
    deadNodeWills =
        new DeadNodeWills(
            caches.getCache(WILLS),
            config.nodeName(),
            config.majority(),
            replicatedWills.incarnation());
    caches.addListener(deadNodeWills);
    return replicatedWills;
  }

  @Override
  public void assembled(BrokerContext context) {
    loops = context.loops();
    sessions.start(context.loops(), context.access(), tree);
    deadNodeWills.start(context, caches.getMembers());
    publishSys();
    sysTask = loops.next().scheduleAtFixedRate(this::publishSys, 10, 10, TimeUnit.SECONDS);
    forwarder.meter(
        new dev.mqttls.cluster.internal.metrics.ClusterMeters(
            context.metrics().registry(), membership, () -> sessions.size(), forwarder::backlog));
  }

  // ---- what other nodes send

  @Override
  public void publish(
      String node,
      byte[] frame,
      int off,
      int len,
      LocalRouter.ShareGroups groups,
      Runnable routed) {
    EventLoopGroup l = loops;
    if (l == null) {
      // Not started yet: no acknowledgement, so the sender's publisher is not told it is safe.
      return;
    }
    // One loop per sending node: their frames stay in the order they came.
    EventLoop loop = loopOfNode.computeIfAbsent(node, n -> l.next());
    loop.execute(
        () -> {
          Message m;
          try {
            Publish p = Frame.packet(frame, off, len);
            m = Message.of(p, Frame.origin(frame, off), null, ticker.nanoTime());
            // The same id as every other copy: a session moving meanwhile keeps one of them.
            m.clusterId(Frame.seq(frame, off));
          } catch (RuntimeException e) {
            LOG.warn("Cluster: unreadable PUBLISH from {}: {}", node, e.toString());
            return;
          }
          try {
            localRouter.route(m, groups);
          } finally {
            m.release();
          }
          journal
              .local()
              .whenDurable(
                  loop,
                  stored -> {
                    // Not stored (a cache write failed): unconfirmed, so the sender's publisher is
                    // refused once the sender gives up waiting, and sends it again.
                    if (stored) {
                      routed.run();
                    }
                  });
        });
  }

  @Override
  public void takenOver(String node, String clientId) {
    LOG.info("Cluster: client {} taken over by {}", clientId, node);
    sessions.takenOver(clientId).whenComplete((x, e) -> forwarder.handedOver(node, clientId));
  }

  @Override
  public void handOff(String node, String clientId) {
    sessions.adoptFrom(node, clientId).whenComplete((x, e) -> forwarder.adopted(node, clientId));
  }

  // ---- status

  /** What this node knows of the cluster now. */
  public ClusterStatus status() {
    return new ClusterStatus(
        config.nodeName(),
        membership.members(),
        config.majority(),
        membership.minority(),
        routes == null ? Map.of() : routes.filtersPerNode(),
        sessions == null ? 0 : sessions.size(),
        forwarder == null ? 0 : forwarder.backlog());
  }

  private void publishSys() {
    EventLoopGroup l = loops;
    if (l == null || localRouter == null) {
      return;
    }
    ClusterStatus s = status();
    l.next()
        .execute(
            () -> {
              sys("node", s.node());
              sys("nodes", String.join(" ", s.members()));
              sys("size", Integer.toString(s.members().size()));
              sys("partition", s.minority() ? "minority" : "majority");
              sys("backlog", Integer.toString(s.backlog()));
              sys("sessions", Integer.toString(s.sessions()));
              for (Map.Entry<String, Integer> e : s.filtersPerNode().entrySet()) {
                sys("filters/" + e.getKey(), Integer.toString(e.getValue()));
              }
            });
  }

  private void sys(String leaf, String value) {
    Publish p =
        new Publish(
            false,
            Qos.AT_MOST_ONCE,
            true,
            "$SYS/broker/cluster/" + leaf,
            0,
            MqttProperties.EMPTY,
            Unpooled.copiedBuffer(value, StandardCharsets.UTF_8));
    Message m = new Message(p, Long.MAX_VALUE, "", null);
    try {
      localRouter.publish(m);
    } finally {
      m.release();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /**
   * Leaves the cluster while the event loops still run: a client that reconnected to another node
   * meanwhile gets its session handed over from here, and every session write made here has reached
   * the cache before the other nodes see this node go (its heir then adopts the rest).
   */
  @Override
  public void stopping() {
    if (sessions != null) {
      sessions.handOffAll(HAND_OFF_MS);
    }
    if (replicated != null) {
      try {
        replicated.flushedAll().get(LEAVE_FLUSH_MS, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("Cluster: leaving with session writes not yet in the cache: {}", e.toString());
      }
    }
    leave();
  }

  @Override
  public void close() {
    leave();
  }

  private void leave() {
    if (!left.compareAndSet(false, true)) {
      return;
    }
    if (sysTask != null) {
      sysTask.cancel(false);
    }
    if (replicatedWills != null) {
      replicatedWills.drain(2_000);
    }
    if (forwarder != null) {
      forwarder.close();
    }
    if (replicated != null) {
      // What the stopping broker still does to its sessions stays here: the heir has them.
      replicated.stopMirroring();
    }
    if (caches != null) {
      try {
        caches.stop();
      } catch (RuntimeException e) {
        LOG.debug("Cluster: stopping Infinispan: {}", e.toString());
      }
    }
    if (channel != null) {
      channel.close();
    }
    LOG.info("Cluster: {} left cluster {}", config.nodeName(), config.name());
  }
}
