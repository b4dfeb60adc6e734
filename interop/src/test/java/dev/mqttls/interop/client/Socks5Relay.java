package dev.mqttls.interop.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.socksx.SocksMessage;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A SOCKS5 proxy in the test's JVM on 127.0.0.1 (Netty's SOCKS codec; no proxy package is installed
 * here): CONNECT only, optionally with user name and password, relaying bytes both ways. It records
 * each destination as the client named it, so that a test sees whether the client left name
 * resolution to the proxy.
 */
final class Socks5Relay implements AutoCloseable {
  /** Each CONNECT's destination as {@code host:port}, as the client sent it. */
  final List<String> destinations = new CopyOnWriteArrayList<>();

  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final String username;
  private final String password;

  /** A proxy that asks for {@code username} and {@code password}, or for nothing when null. */
  Socks5Relay(String username, String password) throws InterruptedException {
    this.username = username;
    this.password = password;
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new SocksPortUnificationServerHandler())
                        .addLast(new Socks5Handler());
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private final class Socks5Handler extends SimpleChannelInboundHandler<SocksMessage> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SocksMessage msg) {
      if (msg instanceof Socks5InitialRequest) {
        if (username != null) {
          ctx.pipeline().addFirst(new Socks5PasswordAuthRequestDecoder());
          ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.PASSWORD));
        } else {
          ctx.pipeline().addFirst(new Socks5CommandRequestDecoder());
          ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
        }
      } else if (msg instanceof Socks5PasswordAuthRequest auth) {
        if (username.equals(auth.username()) && password.equals(auth.password())) {
          ctx.pipeline().addFirst(new Socks5CommandRequestDecoder());
          ctx.writeAndFlush(
              new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
        } else {
          ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
              .addListener(ChannelFutureListener.CLOSE);
        }
      } else if (msg instanceof Socks5CommandRequest req
          && req.type() == Socks5CommandType.CONNECT) {
        connect(ctx, req);
      } else {
        ctx.close();
      }
    }

    private void connect(ChannelHandlerContext ctx, Socks5CommandRequest req) {
      destinations.add(req.dstAddr() + ":" + req.dstPort());
      Channel inbound = ctx.channel();
      new Bootstrap()
          .group(inbound.eventLoop())
          .channel(NioSocketChannel.class)
          .handler(new Relay(inbound))
          .connect(req.dstAddr(), req.dstPort())
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      ctx.writeAndFlush(
                              new DefaultSocks5CommandResponse(
                                  Socks5CommandStatus.FAILURE, req.dstAddrType()))
                          .addListener(ChannelFutureListener.CLOSE);
                      return;
                    }
                    ctx.pipeline().remove(this);
                    ctx.pipeline().addLast(new Relay(f.channel()));
                    inbound.writeAndFlush(
                        new DefaultSocks5CommandResponse(
                            Socks5CommandStatus.SUCCESS,
                            req.dstAddrType(),
                            req.dstAddr(),
                            req.dstPort()));
                  });
    }
  }

  /** Copies what one side reads to the other; closing one closes the other. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel other;

    Relay(Channel other) {
      this.other = other;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      other.writeAndFlush(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      other.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
