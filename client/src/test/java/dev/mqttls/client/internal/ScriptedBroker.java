package dev.mqttls.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A broker that does only what the test tells it: it accepts TCP connections on 127.0.0.1, decodes
 * what the client sends with our codec and queues it, and sends the packets the test gives it. For
 * protocol situations a real broker will not produce on demand (refusals with reason strings,
 * withheld acknowledgements, a resumed session, duplicate QoS 2 deliveries).
 */
final class ScriptedBroker implements AutoCloseable {
  private final NioEventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final BlockingQueue<Conn> connections = new LinkedBlockingQueue<>();

  ScriptedBroker() throws InterruptedException {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    Conn conn = new Conn(ch);
                    ch.pipeline()
                        .addLast(MqttDecoder.forServer(DecoderLimits.DEFAULT))
                        .addLast(new MqttEncoder(MqttVersion.V5))
                        .addLast(
                            new SimpleChannelInboundHandler<Object>(false) {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                conn.received.add(msg);
                              }
                            });
                    connections.add(conn);
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The next connection the client makes. */
  Conn accept() throws InterruptedException {
    Conn c = connections.poll(10, TimeUnit.SECONDS);
    assertThat(c).as("a connection within 10 s").isNotNull();
    return c;
  }

  @Override
  public void close() throws InterruptedException {
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** One client connection. */
  static final class Conn {
    final Channel channel;
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

    Conn(Channel channel) {
      this.channel = channel;
    }

    /** The next packet the client sent, which must be of {@code type}. */
    <T extends MqttPacket> T take(Class<T> type) throws InterruptedException {
      Object p = received.poll(10, TimeUnit.SECONDS);
      assertThat(p).as("a " + type.getSimpleName() + " within 10 s").isInstanceOf(type);
      return type.cast(p);
    }

    /** Whether nothing more arrives within {@code millis}. */
    boolean quietFor(long millis) throws InterruptedException {
      return received.poll(millis, TimeUnit.MILLISECONDS) == null;
    }

    void send(MqttPacket p) {
      channel.writeAndFlush(p).syncUninterruptibly();
    }

    void close() {
      channel.close().syncUninterruptibly();
    }
  }
}
