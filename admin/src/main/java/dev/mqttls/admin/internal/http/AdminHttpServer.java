package dev.mqttls.admin.internal.http;

import dev.mqttls.admin.AdminStartException;
import dev.mqttls.broker.internal.bootstrap.BindFailure;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener's socket: HTTP/1.1 (HTTPS with an {@link SslContext}) on its own small event
 * loop group, apart from the MQTT loops, so a slow scrape never delays a device.
 */
public final class AdminHttpServer implements AutoCloseable {
  /** Requests are small (GET, a dashboard form): anything larger is refused unread. */
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final EventLoopGroup group;
  private final Channel server;

  private AdminHttpServer(EventLoopGroup group, Channel server) {
    this.group = group;
    this.server = server;
  }

  /**
   * Binds {@code address} and serves {@code routes}.
   *
   * @param ssl null for plain HTTP
   * @param auth null without a password file
   * @throws AdminStartException naming the address and why it cannot be bound
   */
  public static AdminHttpServer start(
      InetSocketAddress address, SslContext ssl, BasicAuth auth, List<HttpRoute> routes) {
    EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("mqttls-http", true));
    RouteDispatcher dispatcher = new RouteDispatcher(routes, auth);
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    // Idle keep-alive connections of a browser or scraper are closed after 5 min.
                    p.addLast("idle", new IdleStateHandler(0, 0, 300, TimeUnit.SECONDS));
                    if (ssl != null) {
                      p.addLast("tls", ssl.newHandler(ch.alloc()));
                    }
                    p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
                    p.addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES));
                    p.addLast("chunked", new ChunkedWriteHandler());
                    p.addLast("routes", dispatcher);
                  }
                });
    if (address.isUnresolved()) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new AdminStartException(
          "http_listener: cannot resolve address '" + address.getHostString() + "'", null);
    }
    try {
      Channel ch = b.bind(address).syncUninterruptibly().channel();
      return new AdminHttpServer(group, ch);
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      throw new AdminStartException(
          "http_listener: " + BindFailure.describe(address, e, "http_listener"), e);
    }
  }

  /** The bound address (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Closes the listen socket and every connection; idempotent. */
  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
