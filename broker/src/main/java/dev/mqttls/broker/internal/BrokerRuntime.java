package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.BrokerStartException;
import dev.mqttls.broker.ListenerConfig;
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
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Netty side of a running broker: event loops, listeners, the shared broker state. */
public final class BrokerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private final BrokerConfig config;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> serverChannels = new ArrayList<>();
  private final List<InetSocketAddress> bound = new ArrayList<>();
  private final List<ListenerTls> tls = new ArrayList<>();
  private final BrokerState state;
  private final AtomicBoolean closed = new AtomicBoolean();

  private BrokerRuntime(BrokerConfig config, AccessControl access, PersistentStore store) {
    this.config = config;
    boolean epoll = Epoll.isAvailable();
    if (epoll) {
      bossGroup = new EpollEventLoopGroup(1, new DefaultThreadFactory("mqttls-accept", true));
      workerGroup = new EpollEventLoopGroup(0, new DefaultThreadFactory("mqttls-io", true));
    } else {
      bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("mqttls-accept", true));
      workerGroup = new NioEventLoopGroup(0, new DefaultThreadFactory("mqttls-io", true));
    }
    BrokerState st;
    try {
      st = new BrokerState(config, workerGroup, channels, access, store);
    } catch (RuntimeException e) {
      bossGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workerGroup.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (store != null) {
        store.close();
      }
      throw e;
    }
    this.state = st;
  }

  /** Binds every listener; on any failure closes what was bound and throws. */
  public static BrokerRuntime start(BrokerConfig config) {
    // Before any thread or socket exists, so a bad file leaves nothing to clean up.
    AccessControl access = AccessControl.load(config);
    PersistentStore store =
        config.persistence() ? PersistentStore.open(config.persistenceDirectory()) : null;
    BrokerRuntime r = new BrokerRuntime(config, access, store);
    try {
      r.bindAll();
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    return r;
  }

  private void bindAll() {
    Class<? extends ServerChannel> channelClass =
        Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    for (ListenerConfig l : config.listeners()) {
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
              .childHandler(new ConnectionInitializer(state, l, listenerTls));
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
        throw new BrokerStartException(
            l.name() + ": cannot bind " + want + ": " + e.getMessage(), e);
      }
      serverChannels.add(ch);
      InetSocketAddress actual = (InetSocketAddress) ch.localAddress();
      bound.add(actual);
      LOG.info(
          "Opening {} listen socket on {}:{}{}",
          actual.getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4",
          actual.getAddress().getHostAddress(),
          actual.getPort(),
          l.isTls() ? " (TLS)" : "");
    }
  }

  public List<InetSocketAddress> boundAddresses() {
    return List.copyOf(bound);
  }

  public BrokerConfig config() {
    return config;
  }

  public int connectionCount() {
    return state.connectionCount();
  }

  public int sessionCount() {
    return state.sessions().size();
  }

  /** Re-reads the TLS material of every listener (SIGHUP). */
  public void reloadTls() {
    for (ListenerTls t : tls) {
      t.reload();
    }
  }

  /** Re-reads the password and ACL files (SIGHUP). */
  public void reloadAccess() {
    state.reloadAccess();
  }

  /** Idempotent. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
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
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    workerGroup
        .shutdownGracefully(0, 2, TimeUnit.SECONDS)
        .awaitUninterruptibly(5, TimeUnit.SECONDS);
    // Only now that no loop runs any more may session state be touched from this thread.
    state.shutdown();
    for (ListenerTls t : tls) {
      t.close();
    }
    if (!bound.isEmpty()) {
      LOG.info("mqttls broker stopped");
    }
  }
}
