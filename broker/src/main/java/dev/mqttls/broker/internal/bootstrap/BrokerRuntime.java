package dev.mqttls.broker.internal.bootstrap;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.ListenerTls;
import dev.mqttls.broker.internal.connection.ConnectionCounter;
import dev.mqttls.broker.internal.connection.MqttConnection;
import dev.mqttls.broker.internal.metrics.BrokerMetrics;
import dev.mqttls.broker.internal.metrics.CertificateWatch;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.persistence.RocksJournal;
import dev.mqttls.broker.internal.routing.InMemoryRetainedStore;
import dev.mqttls.broker.internal.routing.LocalRouter;
import dev.mqttls.broker.internal.routing.RetainedStore;
import dev.mqttls.broker.internal.routing.Router;
import dev.mqttls.broker.internal.routing.TopicTree;
import dev.mqttls.broker.internal.security.AccessControl;
import dev.mqttls.broker.internal.security.LiveAccess;
import dev.mqttls.broker.internal.session.LocalSessionRegistry;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.broker.internal.session.SessionRegistry;
import dev.mqttls.broker.internal.session.SessionServices;
import dev.mqttls.broker.internal.session.Wills;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.broker.internal.view.BrokerView;
import dev.mqttls.broker.spi.BrokerExtension;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: its event loops, its listeners, and the {@link BrokerContext} of parts every
 * connection shares; start-up (in an order that leaves nothing behind on failure), reload and
 * shutdown.
 */
public final class BrokerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private final BrokerConfig config;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> serverChannels = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private final List<ListenerTls> tls = new ArrayList<>();
  private final LocalAddress inProcessAddress =
      new LocalAddress("mqttls-broker-" + UUID.randomUUID());
  private final BrokerContext context;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final BrokerExtension extension;

  private BrokerRuntime(
      BrokerConfig config,
      AccessControl access,
      Journal journal,
      Ticker ticker,
      BrokerExtension extension) {
    this.extension = extension;
    this.config = config;
    boolean epoll = Epoll.isAvailable();
    if (epoll) {
      bossGroup = new EpollEventLoopGroup(1, new DefaultThreadFactory("mqttls-accept", true));
      workerGroup =
          new EpollEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("mqttls-io", true));
    } else {
      bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("mqttls-accept", true));
      workerGroup =
          new NioEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("mqttls-io", true));
    }
    try {
      this.context = assemble(config, access, journal, ticker, workerGroup, channels, extension);
    } catch (RuntimeException e) {
      bossGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workerGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      extension.close();
      journal.close();
      throw e;
    }
  }

  /**
   * Puts the broker's parts together and restores what the journal holds (sessions come back
   * offline, retained messages too), before any listener is bound.
   */
  public static BrokerContext assemble(
      BrokerConfig config,
      AccessControl access,
      Journal store,
      Ticker ticker,
      EventLoopGroup loops,
      ChannelGroup channels) {
    return assemble(config, access, store, ticker, loops, channels, BrokerExtension.NONE);
  }

  /** As above, with the seams of {@code ext} (see {@link BrokerExtension} for the order). */
  public static BrokerContext assemble(
      BrokerConfig config,
      AccessControl access,
      Journal localJournal,
      Ticker ticker,
      EventLoopGroup loops,
      ChannelGroup channels,
      BrokerExtension ext) {
    LiveAccess live = new LiveAccess(access);
    TopicTree tree = new TopicTree();
    BrokerMetrics metrics = new BrokerMetrics(config, ticker, tree);
    Journal journal = ext.journal(metrics.timed(localJournal));
    RetainedStore retained = ext.retainedStore(new InMemoryRetainedStore(ticker));
    LocalSessionRegistry localSessions =
        new LocalSessionRegistry(
            new SessionServices(config, ticker, tree, journal, metrics), loops);
    SessionRegistry sessions = ext.sessions(localSessions);
    LocalRouter localRouter =
        new LocalRouter(
            tree,
            retained,
            sessions,
            (topic, m) -> {
              int failedBefore = journal.failedWrites();
              journal.putRetained(topic, m);
              return journal.failedWrites() == failedBefore;
            },
            () -> live.current().hasAcl());
    Router router = ext.router(localRouter, tree);
    if (journal.keepsSessions()) {
      long started = ticker.nanoTime();
      List<Journal.StoredSession> stored = journal.load(retained::put);
      SessionRegistry.RestoreCount n = sessions.restore(stored, access);
      LOG.info(
          "Restored {} session(s) with {} message(s) and {} retained message(s) from {} in {} ms",
          n.sessions(),
          n.messages(),
          retained.size(),
          journal.describe(),
          (ticker.nanoTime() - started) / 1_000_000L);
    }
    BrokerContext context =
        new BrokerContext(
            config,
            ticker,
            loops,
            channels,
            live,
            sessions,
            router,
            retained,
            journal,
            new ConnectionCounter(ticker),
            metrics,
            new BrokerView(sessions, ticker),
            ext.wills(Wills.LOCAL));
    ext.assembled(context);
    return context;
  }

  /** Binds every listener; on any failure closes what was bound and throws. */
  public static BrokerRuntime start(BrokerConfig config) {
    return start(config, BrokerExtension.NONE);
  }

  /** As {@link #start(BrokerConfig)}, with the seams of {@code extension}. */
  public static BrokerRuntime start(BrokerConfig config, BrokerExtension extension) {
    // Before any thread or socket exists, so a bad file leaves nothing to clean up.
    AccessControl access = AccessControl.load(config);
    Ticker ticker = Ticker.system();
    Journal journal =
        config.persistence()
            ? RocksJournal.open(config.persistenceDirectory(), ticker, config.persistenceSync())
            : Journal.NONE;
    BrokerRuntime r = new BrokerRuntime(config, access, journal, ticker, extension);
    try {
      r.bindInProcess();
      r.bindAll();
      r.context.metrics().start(r.context, r.watched(), r::notReady);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  /** The endpoint for the broker's own parts in this JVM; no socket, always there. */
  private void bindInProcess() {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(LocalServerChannel.class)
            .childHandler(new InProcessInitializer(context));
    serverChannels.add(b.bind(inProcessAddress).syncUninterruptibly().channel());
  }

  /** Where {@code MqttClientConfig.Builder#inProcess} connects to reach this broker. */
  public LocalAddress inProcessAddress() {
    return inProcessAddress;
  }

  private void bindAll() {
    Class<? extends ServerChannel> channelClass =
        Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    for (int i = 0; i < config.listeners().size(); i++) {
      ListenerConfig l = config.listeners().get(i);
      ListenerTls listenerTls = ListenerTls.open(l);
      tls.add(listenerTls);
      ServerBootstrap b =
          new ServerBootstrap()
              .group(bossGroup, workerGroup)
              .channel(channelClass)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.SO_KEEPALIVE, true)
              .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(64 * 1024, 256 * 1024))
              .childHandler(new ConnectionInitializer(context, l, listenerTls, i));
      InetSocketAddress want =
          l.bindAddress()
              .map(a -> new InetSocketAddress(a, l.port()))
              .orElseGet(() -> new InetSocketAddress(l.port()));
      if (want.isUnresolved()) {
        throw new BrokerStartException(
            l.name() + ": cannot resolve bind address '" + l.bindAddress().get() + "'", null);
      }
      Channel ch;
      try {
        ch = b.bind(want).syncUninterruptibly().channel();
      } catch (Exception e) {
        throw new BrokerStartException(l.name() + ": " + BindFailure.describe(want, e), e);
      }
      serverChannels.add(ch);
      InetSocketAddress actual = (InetSocketAddress) ch.localAddress();
      bound.add(actual);
      LOG.info(
          "Opening {}{} listen socket on {}:{}{}",
          actual.getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4",
          l.isWebSockets() ? " websockets" : "",
          actual.getAddress().getHostAddress(),
          actual.getPort(),
          l.isTls() ? " (TLS)" : "");
    }
  }

  private List<CertificateWatch.Listener> watched() {
    List<CertificateWatch.Listener> w = new ArrayList<>();
    for (ListenerTls t : tls) {
      t.settings().ifPresent(s -> w.add(new CertificateWatch.Listener(t.name(), s)));
    }
    return w;
  }

  /** Why this broker cannot serve now (a listener or the store closed), or empty. */
  private Optional<String> notReady() {
    if (closed.get()) {
      return Optional.of("stopping");
    }
    for (Channel c : serverChannels) {
      if (!c.isActive()) {
        return Optional.of("listener on " + c.localAddress() + " closed");
      }
    }
    if (!context.journal().writable()) {
      return Optional.of("the store does not take writes");
    }
    return Optional.empty();
  }

  public List<InetSocketAddress> boundAddresses() {
    return List.copyOf(bound);
  }

  public BrokerConfig config() {
    return config;
  }

  public BrokerView view() {
    return context.view();
  }

  public BrokerMetrics telemetry() {
    return context.metrics();
  }

  public int connectionCount() {
    return context.connections().count();
  }

  public int sessionCount() {
    return context.sessions().size();
  }

  /** Re-reads the TLS material of every listener (SIGHUP). */
  public void reloadTls() {
    for (ListenerTls t : tls) {
      t.reload();
    }
    context.metrics().certificatesReloaded();
  }

  /** Re-reads the password and ACL files (SIGHUP). */
  public void reloadAccess() {
    if (!context.access().current().hasFiles()) {
      return;
    }
    AccessControl next;
    try {
      next = AccessControl.load(config);
    } catch (BrokerStartException e) {
      LOG.error(
          "Reload refused, keeping the previous password_file and acl_file: {}", e.getMessage());
      return;
    }
    context.access().replace(next);
    // Connected clients are judged by the new ACL from their next packet on.
    for (Session s : context.sessions().all()) {
      s.setAcl(next.forListener(s.listener()).aclFor(s.username(), s.clientId()));
    }
    LOG.info("Reloaded {}", describeFiles());
  }

  /** The password and ACL files in force, broker-wide and per listener, for the reload line. */
  private String describeFiles() {
    StringBuilder b = new StringBuilder();
    config.passwordFile().ifPresent(f -> b.append(" password_file ").append(f));
    config.aclFile().ifPresent(f -> b.append(" acl_file ").append(f));
    for (ListenerConfig l : config.listeners()) {
      l.security()
          .ifPresent(
              s -> {
                s.passwordFile().ifPresent(f -> b.append(" password_file ").append(f));
                s.aclFile().ifPresent(f -> b.append(" acl_file ").append(f));
                if (s.passwordFile().isPresent() || s.aclFile().isPresent()) {
                  b.append(" (").append(l.name()).append(')');
                }
              });
    }
    return b.toString().strip();
  }

  /** Idempotent. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    context.metrics().close();
    for (Channel c : serverChannels) {
      c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    // MQTT 5 clients learn why (DISCONNECT Server shutting down); then everything closes.
    for (Channel c : channels) {
      MqttConnection conn = c.pipeline().get(MqttConnection.class);
      if (conn != null) {
        c.eventLoop().execute(conn::serverShutdown);
      }
    }
    channels.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    extension.stopping();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    workerGroup
        .shutdownGracefully(0, 2, TimeUnit.SECONDS)
        .awaitUninterruptibly(5, TimeUnit.SECONDS);
    // Only now that no loop runs any more may session state be touched from this thread.
    for (Session s : context.sessions().all()) {
      s.dispose();
    }
    extension.close();
    context.retained().clear();
    context.journal().close();
    for (ListenerTls t : tls) {
      t.close();
    }
    if (!bound.isEmpty()) {
      LOG.info("mqttls broker stopped");
    }
  }
}
