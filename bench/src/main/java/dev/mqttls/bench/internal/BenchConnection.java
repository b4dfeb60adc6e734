package dev.mqttls.bench.internal;

import dev.mqttls.bench.BenchException;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MalformedPacket;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Subscription;
import dev.mqttls.codec.TopicFilter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One bench connection's MQTT protocol: CONNECT on activation, acknowledgements of received QoS 1
 * and 2 messages, PUBREL for our QoS 2 messages, and the times the scenarios measure. Confined to
 * its channel's event loop; the futures complete there.
 */
final class BenchConnection extends ChannelInboundHandlerAdapter {
  /** What a scenario does with the connection's traffic; called on its event loop. */
  interface Listener {
    /** An application message arrived; the connection releases it after this returns. */
    default void onPublish(BenchConnection c, Publish p) {}

    /** Our QoS 1 (PUBACK) or QoS 2 (PUBCOMP) message with this packet id is acknowledged. */
    default void onAcked(BenchConnection c, int packetId) {}

    /** The channel may take more writes again. */
    default void onWritable(BenchConnection c) {}
  }

  private static final Listener NONE = new Listener() {};

  private final Connect connect;
  private final long startNanos;
  private final CompletableFuture<BenchConnection> connected = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private CompletableFuture<Void> subscribed;
  private volatile Listener listener = NONE;
  private Channel channel;
  private ByteCounter bytes;
  private long tcpNanos;
  private long tlsNanos;
  private long connackNanos;
  private boolean resumed;
  private boolean closing;
  private volatile String dropCause;

  BenchConnection(Connect connect, long startNanos) {
    this.connect = connect;
    this.startNanos = startNanos;
  }

  void listener(Listener l) {
    listener = l;
  }

  /** Completes on a successful CONNACK; fails with a one-line cause otherwise. */
  CompletableFuture<BenchConnection> connected() {
    return connected;
  }

  /** Completes when the channel is closed. */
  CompletableFuture<Void> closed() {
    return closed;
  }

  Channel channel() {
    return channel;
  }

  MqttVersion version() {
    return connect.version();
  }

  /** Nanoseconds from the start of the TCP connect to the TLS handshake's end (0 without TLS). */
  long tlsDoneNanos() {
    return tlsNanos == 0 ? 0 : tlsNanos - startNanos;
  }

  /** Nanoseconds the TLS handshake alone took, from TCP established to handshake done. */
  long tlsOnlyNanos() {
    return tlsNanos == 0 ? 0 : tlsNanos - tcpNanos;
  }

  /** Nanoseconds from the start of the TCP connect to CONNACK. */
  long connackNanos() {
    return connackNanos - startNanos;
  }

  /** Whether the TLS handshake resumed an earlier session. */
  boolean resumed() {
    return resumed;
  }

  long bytesRead() {
    return bytes == null ? 0 : bytes.read();
  }

  long bytesWritten() {
    return bytes == null ? 0 : bytes.written();
  }

  /** Subscribes to {@code filter} at {@code qos}; completes on a granted SUBACK. */
  CompletableFuture<Void> subscribe(String filter, Qos qos) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    channel
        .eventLoop()
        .execute(
            () -> {
              subscribed = f;
              channel.writeAndFlush(
                  new Subscribe(
                      1,
                      List.of(new Subscription(TopicFilter.of(filter), qos)),
                      MqttProperties.EMPTY));
            });
    return f;
  }

  /**
   * Why the broker ended this connection before we disconnected it (a DISCONNECT's reason, or the
   * connection closed), or null while it has not.
   */
  String dropCause() {
    return dropCause;
  }

  /** Sends DISCONNECT and closes; the future completes when the channel is closed. */
  CompletableFuture<Void> disconnect() {
    channel.eventLoop().execute(() -> closing = true);
    if (channel.isActive()) {
      channel
          .writeAndFlush(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY))
          .addListener(f -> channel.close());
    } else {
      channel.close();
    }
    return closed;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    bytes = ctx.pipeline().get(ByteCounter.class);
    channel.closeFuture().addListener(f -> closed.complete(null));
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    tcpNanos = System.nanoTime();
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl != null) {
      ssl.handshakeFuture()
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  tlsNanos = System.nanoTime();
                  resumed = Resumption.resumed(ssl.engine(), startNanos);
                } else {
                  fail("TLS handshake failed: " + oneLine(f.cause()));
                }
              });
    }
    // written before the handshake ends: SslHandler holds it until then
    ctx.writeAndFlush(connect);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MalformedPacket m) {
      fail("the broker sent a malformed packet: " + m);
      ctx.close();
      return;
    }
    MqttPacket packet = (MqttPacket) msg;
    if (packet instanceof Publish p) {
      try {
        onPublish(ctx, p);
      } finally {
        p.release();
      }
    } else if (packet instanceof Puback a) {
      listener.onAcked(this, a.packetId());
    } else if (packet instanceof Pubrec r) {
      ctx.writeAndFlush(new Pubrel(r.packetId(), ReasonCode.SUCCESS, MqttProperties.EMPTY));
    } else if (packet instanceof Pubcomp c) {
      listener.onAcked(this, c.packetId());
    } else if (packet instanceof Pubrel r) {
      ctx.writeAndFlush(new Pubcomp(r.packetId(), ReasonCode.SUCCESS, MqttProperties.EMPTY));
    } else if (packet instanceof Connack c) {
      connackNanos = System.nanoTime();
      if (c.reasonCode().isError()) {
        fail("CONNACK refused: " + c.reasonCode());
        ctx.close();
      } else {
        connected.complete(this);
      }
    } else if (packet instanceof Suback s) {
      if (subscribed != null) {
        if (s.reasonCodes().stream().anyMatch(ReasonCode::isError)) {
          subscribed.completeExceptionally(
              new BenchException("SUBSCRIBE refused: " + s.reasonCodes()));
        } else {
          subscribed.complete(null);
        }
      }
    } else if (packet instanceof Disconnect d) {
      fail("the broker disconnected: " + d.reasonCode());
      if (!closing && dropCause == null) {
        dropCause = "DISCONNECT " + d.reasonCode();
      }
    }
  }

  private void onPublish(ChannelHandlerContext ctx, Publish p) {
    listener.onPublish(this, p);
    if (p.qos() == Qos.AT_LEAST_ONCE) {
      ctx.write(new Puback(p.packetId(), ReasonCode.SUCCESS, MqttProperties.EMPTY));
    } else if (p.qos() == Qos.EXACTLY_ONCE) {
      ctx.write(new Pubrec(p.packetId(), ReasonCode.SUCCESS, MqttProperties.EMPTY));
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // acknowledgements of a whole read go out in one flush
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      listener.onWritable(this);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail("the broker closed the connection");
    if (!closing
        && dropCause == null
        && connected.isDone()
        && !connected.isCompletedExceptionally()) {
      dropCause = "closed by the broker";
    }
    if (subscribed != null) {
      subscribed.completeExceptionally(new BenchException("closed before SUBACK"));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(oneLine(cause));
    ctx.close();
  }

  private void fail(String why) {
    connected.completeExceptionally(new BenchException(why));
  }

  static String oneLine(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName()
        + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
  }
}
