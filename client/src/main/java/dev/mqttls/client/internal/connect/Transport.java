package dev.mqttls.client.internal.connect;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.ServerAddress;
import dev.mqttls.client.Socks5Proxy;
import dev.mqttls.client.internal.SharedResources;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a client reaches a broker: TCP over NIO (optionally through a SOCKS5 proxy), a Unix domain
 * socket over epoll, or a broker in the same JVM through a Netty local channel. A client's event
 * loop is of the kind its transport needs, picked once when the client is made.
 */
public final class Transport {
  private Transport() {}

  /** The event loop for a client of {@code config}. */
  public static EventLoop loopFor(MqttClientConfig config) {
    if (config.unixSocket().isPresent() && SharedResources.epollLoops().isPresent()) {
      return SharedResources.epollLoops().get().next();
    }
    return SharedResources.loops().next();
  }

  /** The URL of {@code server} as messages name it. */
  static String url(MqttClientConfig config, ServerAddress server) {
    return config.unixSocket().isPresent() || config.inProcess().isPresent()
        ? config.brokerUrl()
        : server.url(config.tls().isPresent());
  }

  /**
   * A bootstrap for one attempt on {@code loop}.
   *
   * @throws MqttClientException of kind {@link FailureKind#CONFIGURATION} when a Unix socket is
   *     asked for where epoll is not available
   */
  static Bootstrap bootstrap(MqttClientConfig config, EventLoop loop, ChannelHandler init) {
    int timeout = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
            .handler(init);
    if (config.inProcess().isPresent()) {
      return b.channel(LocalChannel.class);
    }
    if (config.unixSocket().isPresent()) {
      if (!Epoll.isAvailable()) {
        throw new MqttClientException(
            FailureKind.CONFIGURATION,
            "cannot connect to the Unix socket "
                + config.unixSocket().get()
                + ": Unix sockets need Linux with Netty's epoll transport, which is not available"
                + " here",
            Epoll.unavailabilityCause());
      }
      return b.channel(EpollDomainSocketChannel.class);
    }
    b.channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, config.tcpNoDelay());
    if (config.socks5Proxy().isPresent()) {
      // the proxy resolves the broker's name (socks5h), as it may be invisible from here
      b.resolver(NoopAddressResolverGroup.INSTANCE);
    }
    return b;
  }

  /**
   * Where to connect for {@code server}.
   *
   * @throws MqttClientException of kind {@link FailureKind#UNREACHABLE} when the Unix socket does
   *     not exist
   */
  static SocketAddress remote(MqttClientConfig config, ServerAddress server) {
    if (config.inProcess().isPresent()) {
      return config.inProcess().get();
    }
    if (config.unixSocket().isPresent()) {
      Path path = config.unixSocket().get();
      if (!Files.exists(path)) {
        throw new MqttClientException(
            FailureKind.UNREACHABLE,
            "the Unix socket "
                + path
                + " does not exist: is the broker running and listening there?",
            null);
      }
      return new DomainSocketAddress(path.toFile());
    }
    // resolved by the bootstrap's resolver, or by the proxy
    return InetSocketAddress.createUnresolved(server.host(), server.port());
  }

  /** The local address to connect from ({@code -A}), any port; null lets the system choose. */
  static SocketAddress local(MqttClientConfig config) {
    return config.localAddress().map(a -> new InetSocketAddress(a, 0)).orElse(null);
  }

  /** The proxy's handler, first in the pipeline, when one is configured; else null. */
  static ChannelHandler proxyHandler(MqttClientConfig config) {
    if (config.socks5Proxy().isEmpty()) {
      return null;
    }
    Socks5Proxy p = config.socks5Proxy().get();
    InetSocketAddress at = new InetSocketAddress(p.host(), p.port());
    Socks5ProxyHandler h =
        p.username().isPresent()
            ? new Socks5ProxyHandler(at, p.username().get(), new String(p.password().orElseThrow()))
            : new Socks5ProxyHandler(at);
    h.setConnectTimeoutMillis(config.connectTimeout().toMillis());
    return h;
  }
}
