package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plain listener recognises a TLS ClientHello and names it; MQTT bytes pass untouched. */
class PlainListenerGuardTest {
  @TempDir Path dir;

  @Test
  void tlsOnPlainListener_named_plainMqttPasses() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    EventLoopGroup group = new NioEventLoopGroup(1);
    try (LogRecorder log = new LogRecorder()) {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(ServerTls.plainListenerGuard("1883"));
                      ch.pipeline()
                          .addLast(
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                  seen.add(((ByteBuf) msg).getUnsignedByte(0));
                                  ((ByteBuf) msg).release();
                                  ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(0x20));
                                }

                                @Override
                                public void userEventTriggered(
                                    ChannelHandlerContext ctx, Object evt) {
                                  seen.add(evt);
                                }
                              });
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      // a TLS client on the plain port
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, null), port)).isNotNull();
      Object ev = seen.poll(10, TimeUnit.SECONDS);
      assertThat(ev).isInstanceOf(TlsHandshakeFailed.class);
      assertThat(((TlsHandshakeFailed) ev).cause())
          .isEqualTo(HandshakeFailureCause.TLS_ON_PLAIN_PORT);
      log.await("sent TLS (a ClientHello) to a plain MQTT listener");
      // plain MQTT: the first byte reaches the next handler, which answers
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(new byte[] {0x10, 0});
        InputStream in = s.getInputStream();
        assertThat(in.read()).isEqualTo(0x20);
      }
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo((short) 0x10);
      server.close().sync();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
