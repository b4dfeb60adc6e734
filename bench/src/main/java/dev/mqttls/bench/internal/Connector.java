package dev.mqttls.bench.internal;

import dev.mqttls.bench.BenchException;
import dev.mqttls.bench.BenchSettings;
import dev.mqttls.bench.DevicePool;
import dev.mqttls.bench.Target;
import dev.mqttls.bench.TlsOptions;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.TlsConfig;
import dev.mqttls.client.internal.ClientTls;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Opens bench connections to one target: TCP (optionally from a chosen loopback source address),
 * TLS with the connection's device certificate, CONNECT. One {@link SslContext} per device and
 * mode, built once: "fresh" contexts keep no client session cache, so every handshake is a full
 * one; "resumable" contexts cache the session (TLS 1.3 ticket or 1.2 session) per host and port.
 */
public final class Connector implements AutoCloseable {
  private final Target target;
  private final DevicePool devices;
  private final BenchSettings settings;
  private final EventLoopGroup group;
  private final Map<String, SslContext> contexts = new ConcurrentHashMap<>();
  private final String runTag;

  /** A connector with its own event loops (one per core). */
  public Connector(Target target, DevicePool devices, BenchSettings settings, String runTag) {
    this.target = target;
    this.devices = devices;
    this.settings = settings;
    this.runTag = runTag;
    this.group =
        new NioEventLoopGroup(
            Runtime.getRuntime().availableProcessors(),
            new DefaultThreadFactory("mqttls-bench", true));
  }

  Target target() {
    return target;
  }

  BenchSettings settings() {
    return settings;
  }

  EventLoopGroup group() {
    return group;
  }

  /** A client id unique to this run, so runs against one broker never take over each other. */
  String clientId(String role, int index) {
    return "bench-" + runTag + "-" + role + index;
  }

  /**
   * Connects connection {@code index} (which picks its device certificate); the future completes
   * after a successful CONNACK, or fails with a one-line cause.
   */
  CompletableFuture<BenchConnection> connect(
      String clientId,
      int index,
      boolean resumable,
      Optional<InetSocketAddress> local,
      BenchConnection.Listener listener) {
    SslContext ssl = target.tls().isPresent() ? context(index, resumable) : null;
    long start = System.nanoTime();
    BenchConnection conn =
        new BenchConnection(
            new Connect(settings.version(), clientId, true, settings.keepAlive()), start);
    conn.listener(listener);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new ByteCounter());
                    if (ssl != null) {
                      SslHandler h = ssl.newHandler(ch.alloc(), sniHost(), target.port());
                      h.setHandshakeTimeout(10, TimeUnit.SECONDS);
                      ch.pipeline().addLast(h);
                    }
                    ch.pipeline()
                        .addLast(MqttDecoder.forClient(DecoderLimits.DEFAULT, settings.version()));
                    MqttEncoder encoder = new MqttEncoder(settings.version());
                    // packets written between two flushes share one buffer: fewer allocations
                    // and writes per message, so the load generator is not what is measured
                    encoder.setCoalescing(true);
                    ch.pipeline().addLast(encoder);
                    ch.pipeline().addLast(conn);
                  }
                });
    InetSocketAddress remote = new InetSocketAddress(target.host(), target.port());
    ChannelFuture cf = local.isPresent() ? b.connect(remote, local.get()) : b.connect(remote);
    cf.addListener(
        f -> {
          if (!f.isSuccess()) {
            conn.connected()
                .completeExceptionally(
                    new BenchException(
                        "cannot connect to "
                            + target.host()
                            + ":"
                            + target.port()
                            + local.map(l -> " from " + l.getHostString()).orElse("")
                            + ": "
                            + BenchConnection.oneLine(f.cause())));
          }
        });
    return conn.connected()
        .whenComplete(
            (c, e) -> {
              if (e != null) {
                Channel ch = cf.channel();
                ch.close();
              }
            });
  }

  /** Builds every device's TLS contexts now, so that no measured connection waits for one. */
  void prepareContexts() {
    if (target.tls().isPresent()) {
      for (int i = 0; i < Math.max(1, devices.size()); i++) {
        context(i, false);
        context(i, true);
      }
    }
  }

  private String sniHost() {
    return target.tls().flatMap(TlsOptions::serverName).orElse(target.host());
  }

  private SslContext context(int index, boolean resumable) {
    Optional<DevicePool.Device> device = devices.forConnection(index);
    String key = device.map(DevicePool.Device::id).orElse("") + (resumable ? "/r" : "/f");
    return contexts.computeIfAbsent(key, k -> build(device, resumable));
  }

  private SslContext build(Optional<DevicePool.Device> device, boolean resumable) {
    TlsOptions o = target.tls().orElseThrow();
    TlsConfig.Builder b = TlsConfig.builder();
    o.caFile().or(devices::caFile).ifPresent(b::caFile);
    device.ifPresent(d -> b.certFile(d.cert()).keyFile(d.key()));
    if (!o.protocols().isEmpty()) {
      b.protocols(o.protocols());
    }
    if (!o.ciphers().isEmpty()) {
      b.ciphers(o.ciphers());
    }
    if (o.insecure()) {
      b.insecure();
    }
    o.serverName().ifPresent(b::sniHost);
    SslContext ctx;
    try {
      ctx = ClientTls.build(b.build());
    } catch (MqttClientException | IllegalArgumentException | IllegalStateException e) {
      throw new BenchException(e.getMessage());
    }
    if (ctx.sessionContext() instanceof OpenSslSessionContext s) {
      s.setSessionCacheEnabled(resumable);
    } else if (!resumable) {
      ctx.sessionContext().setSessionCacheSize(1);
    }
    return ctx;
  }

  /** Whether this connector's TLS is BoringSSL (resumption is then known for certain). */
  boolean openSsl() {
    return io.netty.handler.ssl.OpenSsl.isAvailable();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
