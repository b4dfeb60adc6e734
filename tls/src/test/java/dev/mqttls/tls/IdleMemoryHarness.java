package dev.mqttls.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: resident and heap memory per idle mutual-TLS connection on the server side (TLS
 * handler, SslHandler and engine, Netty channel; no MQTT session). The server runs in a child JVM
 * so the clients' memory is not counted. Args: [connections] [engine openssl|jdk].
 */
public final class IdleMemoryHarness {
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("server")) {
      server(Path.of(args[1]), TlsEngine.parse(args[2]));
      return;
    }
    int m = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    String engine = args.length > 1 ? args[1] : "openssl";
    Path dir = Files.createTempDirectory("mqttls-mem");
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "idle-device");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                // a pre-touched, fixed heap: garbage from the handshakes cannot grow the resident
                // set, so resident growth is native memory, and live heap is measured after GC
                "-Xms256m",
                "-Xmx256m",
                "-XX:+AlwaysPreTouch",
                "-cp",
                System.getProperty("java.class.path"),
                IdleMemoryHarness.class.getName(),
                "server",
                dir.toString(),
                engine)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    EventLoopGroup loop = new NioEventLoopGroup(1);
    List<Channel> open = new ArrayList<>();
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
      int port = Integer.parseInt(reply(in, "PORT "));
      SslContext ctx =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.OPENSSL)
              .protocols("TLSv1.3")
              .trustManager(f.ca.cert())
              .keyManager(dev.keys().getPrivate(), dev.chain())
              .build();
      // warm up the server's classes and pools with a first batch, closed again
      open.addAll(connect(loop, ctx, port, 200));
      for (Channel c : open) {
        c.close().sync();
      }
      open.clear();
      out.println("stat");
      String[] before = reply(in, "STAT ").split(" ");
      open.addAll(connect(loop, ctx, port, m));
      Thread.sleep(2000); // let handshakes settle and buffers go back to the pools
      out.println("stat");
      String[] after = reply(in, "STAT ").split(" ");
      long rss = Long.parseLong(after[1]) - Long.parseLong(before[1]);
      long heap = Long.parseLong(after[0]) - Long.parseLong(before[0]);
      long direct = Long.parseLong(after[2]) - Long.parseLong(before[2]);
      System.out.printf(
          "engine %s, %d idle mutual TLS 1.3 connections, per connection in the server JVM:"
              + " %.1f KiB live heap + %.1f KiB native (resident growth of a pre-touched heap JVM)"
              + " = %.1f KiB; Netty direct %.1f KiB%n",
          engine,
          m,
          heap / 1024.0 / m,
          rss / 1024.0 / m,
          (heap + rss) / 1024.0 / m,
          direct / 1024.0 / m);
      out.println("quit");
    } finally {
      for (Channel c : open) {
        c.close();
      }
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  // the child's stdout also carries its log lines
  private static String reply(BufferedReader in, String prefix) throws java.io.IOException {
    for (int i = 0; i < 1000; i++) {
      String l = in.readLine();
      if (l == null) {
        throw new IllegalStateException("server JVM ended");
      }
      if (l.startsWith(prefix)) {
        return l.substring(prefix.length()).trim();
      }
    }
    throw new IllegalStateException("no " + prefix + "line from the server JVM");
  }

  private static List<Channel> connect(EventLoopGroup loop, SslContext ctx, int port, int m)
      throws Exception {
    List<Channel> out = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      SslHandler[] h = new SslHandler[1];
      Channel ch =
          new Bootstrap()
              .group(loop)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      h[0] = ctx.newHandler(c.alloc());
                      c.pipeline().addLast(h[0]);
                    }
                  })
              .connect("127.0.0.1", port)
              .sync()
              .channel();
      Future<Channel> done = h[0].handshakeFuture().await();
      if (!done.isSuccess()) {
        throw new IllegalStateException("handshake " + i + " failed", done.cause());
      }
      out.add(ch);
    }
    return out;
  }

  private static void server(Path dir, TlsEngine engine) throws Exception {
    // stdout is the control pipe: nothing else may fill it while the parent is busy connecting
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.mqttls"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    ServerTlsSettings s =
        ServerTlsSettings.builder(dir)
            .directive("cafile", List.of("ca.crt"))
            .directive("certfile", List.of("server.crt"))
            .directive("keyfile", List.of("server.key"))
            .directive("require_certificate", List.of("true"))
            .directive("tls_engine", List.of(engine.directiveName()))
            .build();
    ServerTls tls = ServerTls.open(s, "mem");
    EventLoopGroup group = new NioEventLoopGroup(1);
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(tls.newHandler());
                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    out.println("PORT " + ((InetSocketAddress) server.localAddress()).getPort());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("quit")) {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(200);
      }
      Runtime rt = Runtime.getRuntime();
      long heap = rt.totalMemory() - rt.freeMemory();
      long direct = io.netty.util.internal.PlatformDependent.usedDirectMemory();
      out.println("STAT " + heap + " " + rssBytes() + " " + Math.max(0, direct));
    }
    server.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    tls.close();
    ManagementFactory.getRuntimeMXBean();
  }

  private static long rssBytes() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private IdleMemoryHarness() {}
}
