package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.connection.ConnectionState.Phase;
import dev.mqttls.broker.internal.flow.PublisherHolds;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MalformedPacket;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.PacketType;
import dev.mqttls.codec.Pingresp;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.Unsubscribe;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT connection, server side: its lifecycle (open, CONNECT timeout, close) and the dispatch
 * of each packet to its flow ({@link ConnectFlow}, {@link InboundPublishFlow}, {@link AckFlow},
 * {@link SubscribeFlow}, {@link WillFlow}); the way out is the {@link OutboundWriter}, every
 * refusal goes through the {@link Disconnector}. One instance per channel; everything runs on the
 * channel's event loop (Netty guarantees it for handler callbacks; the session calls the writer
 * from the same loop).
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /** Seconds a new connection has to send CONNECT. */
  public static final int CONNECT_TIMEOUT_SECONDS = 10;

  private final ConnectionState c;
  private final Disconnector disconnector;
  private final WillFlow will;
  private final KeepAlive keepAlive;
  private final InboundPublishFlow publishes;
  private final AckFlow acks;
  private final SubscribeFlow subscriptions;
  private final ArrayDeque<Object> heldInput = new ArrayDeque<>();
  private PublisherHolds holds;
  private OutboundWriter writer;
  private ConnectFlow connects;
  private dev.mqttls.broker.internal.time.Ticker.Timeout connectTimeout;

  public MqttConnection(BrokerContext broker, ConnectionTls tls, ConnectSniffer sniffer) {
    this(new ConnectionState(broker, tls, sniffer, false));
  }

  /**
   * A connection from inside this JVM: no TLS; its user name is trusted without a password, and
   * without one it acts as the broker itself (no ACL); not counted against max_connections.
   */
  public static MqttConnection inProcess(BrokerContext broker, ConnectSniffer sniffer) {
    return new MqttConnection(new ConnectionState(broker, null, sniffer, true));
  }

  private MqttConnection(ConnectionState state) {
    this.c = state;
    this.disconnector = new Disconnector(c);
    this.will = new WillFlow(c);
    this.keepAlive =
        new KeepAlive(
            c,
            () -> {
              if (c.phase == Phase.CONNECTED) {
                disconnector.disconnect(
                    ReasonCode.KEEP_ALIVE_TIMEOUT, "exceeded keep-alive timeout");
              }
            });
    this.publishes = new InboundPublishFlow(c, disconnector);
    this.acks = new AckFlow(c);
    this.subscriptions = new SubscribeFlow(c);
  }

  /** The client id once CONNECT was read, else null. */
  public String clientId() {
    return c.clientId;
  }

  /** Whether the client speaks MQTT 5 (known once CONNECT was read). */
  boolean isV5() {
    return c.isV5();
  }

  // ---- lifecycle

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    c.bind(ctx);
    holds = new PublisherHolds(c.channel, c.broker.ticker(), c::who);
    writer = new OutboundWriter(c, holds, this::takenOver);
    connects = new ConnectFlow(c, disconnector, keepAlive, will, writer, this::replayHeldInput);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    c.address = ConnectionState.format(c.channel.remoteAddress());
    int n = c.inProcess ? 0 : c.broker.connections().opened();
    int max = c.broker.config().maxConnections();
    if (max > 0 && n > max) {
      LOG.warn("Refusing connection from {}: max_connections {} reached", c.address, max);
      disconnector.close();
      return;
    }
    c.broker.channels().add(c.channel);
    if (c.tls == null) {
      startConnectTimer(ctx);
    }
    ctx.fireChannelActive();
  }

  /**
   * The CONNECT timeout starts once the client can send CONNECT: at once on a plain listener, after
   * the handshake on a TLS one (before it, tls_handshake_timeout applies and the TLS layer logs its
   * one line, so that a silent TLS connection is not logged twice).
   */
  private void startConnectTimer(ChannelHandlerContext ctx) {
    connectTimeout =
        c.broker
            .ticker()
            .schedule(
                ctx.executor(),
                () -> {
                  if (c.phase == Phase.AWAIT_CONNECT) {
                    disconnector.closeQuietly(
                        "no CONNECT within " + CONNECT_TIMEOUT_SECONDS + " seconds");
                  }
                },
                CONNECT_TIMEOUT_SECONDS,
                TimeUnit.SECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!c.inProcess) {
      c.broker.connections().closed();
    }
    if (connectTimeout != null) {
      connectTimeout.cancel();
    }
    keepAlive.stop();
    for (Object o : heldInput) {
      ReferenceCountUtil.release(o);
    }
    heldInput.clear();
    holds.releaseAll();
    Session s = c.session;
    if (s != null) {
      if (c.closeReason == null) {
        c.closeReason = "closed its connection";
      }
      if (!c.reasonLogged) {
        LOG.info("Client {} {}", c.clientId, c.closeReason);
      }
      will.connectionLost(s);
      c.session = null;
      s.detach(writer);
    } else if (c.closeReason == null && c.phase != Phase.CLOSING) {
      LOG.debug("Connection from {} closed before CONNECT", c.address);
    }
    c.phase = Phase.CLOSING;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (c.tls != null && c.tls.onUserEvent(evt)) {
      if (c.tls.handshakeDone() && connectTimeout == null && c.channel.isActive()) {
        startConnectTimer(ctx);
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (c.channel.isWritable()) {
      writer.writable();
    }
    holds.maybeResume(c.session == null || c.session.queueLow());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    disconnector.caught(cause);
  }

  /** The broker is stopping: tell MQTT 5 clients why (Server shutting down), then close. */
  public void serverShutdown() {
    if (c.phase == Phase.CONNECTED) {
      disconnector.disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
    } else if (c.phase != Phase.CLOSING) {
      disconnector.close();
    }
  }

  /** Another connection claimed our client id (through the session's output). */
  private void takenOver() {
    if (c.phase == Phase.CLOSING) {
      return;
    }
    will.takenOver();
    Session s = c.session;
    c.session = null;
    LOG.info("Client {} already connected, closing old connection from {}", c.clientId, c.address);
    c.closeReason = null;
    if (c.isV5()) {
      c.ctx
          .writeAndFlush(new Disconnect(ReasonCode.SESSION_TAKEN_OVER, MqttProperties.EMPTY))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      c.channel.close();
    }
    c.phase = Phase.CLOSING;
    if (s != null) {
      holds.releaseAll();
    }
  }

  // ---- input

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (c.phase == Phase.CLOSING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (c.phase == Phase.CONNECTING) {
      // The session is being handed over from another loop; keep order and stop reading.
      heldInput.add(msg);
      return;
    }
    keepAlive.read();
    try {
      handle(msg);
    } catch (RuntimeException e) {
      // handle() owns msg and has released it or handed it on; a leak here beats a double free
      LOG.error("Internal error on client {} from {}", c.clientId, c.address, e);
      disconnector.disconnect(
          ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
          "internal error: " + ConnectionState.describe(e));
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    keepAlive.readComplete();
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  /** CONNACK is out: what arrived while the session was handed over is read now, in order. */
  private void replayHeldInput() {
    while (!heldInput.isEmpty() && c.phase == Phase.CONNECTED) {
      channelRead(c.ctx, heldInput.poll());
    }
  }

  private void handle(Object msg) {
    if (msg instanceof MalformedPacket bad) {
      disconnector.protocolFailure(bad.reason(), bad.toString());
      return;
    }
    if (!(msg instanceof MqttPacket packet)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (c.phase == Phase.AWAIT_CONNECT) {
      if (packet.type() != PacketType.CONNECT) {
        ReferenceCountUtil.release(msg);
        disconnector.protocolFailure(
            ReasonCode.PROTOCOL_ERROR, "first packet is " + packet.type() + ", not CONNECT");
        return;
      }
      if (connectTimeout != null) {
        connectTimeout.cancel();
      }
      connects.onConnect((Connect) packet);
      return;
    }
    switch (packet.type()) {
      case PUBLISH -> publishes.onPublish((Publish) packet);
      case PUBACK -> {
        holds.acknowledged();
        acks.onPuback((Puback) packet);
      }
      case PUBREC -> {
        holds.acknowledged();
        acks.onPubrec((Pubrec) packet);
      }
      case PUBREL -> publishes.onPubrel((Pubrel) packet);
      case PUBCOMP -> acks.onPubcomp((Pubcomp) packet);
      case SUBSCRIBE -> subscriptions.onSubscribe((Subscribe) packet);
      case UNSUBSCRIBE -> subscriptions.onUnsubscribe((Unsubscribe) packet);
      case PINGREQ -> c.ctx.writeAndFlush(Pingresp.INSTANCE, c.ctx.voidPromise());
      case DISCONNECT -> onDisconnect((Disconnect) packet);
      case CONNECT -> disconnector.protocolFailure(ReasonCode.PROTOCOL_ERROR, "second CONNECT");
      case AUTH ->
          disconnector.protocolFailure(
              ReasonCode.PROTOCOL_ERROR, "AUTH without an authentication method");
      default ->
          disconnector.protocolFailure(
              ReasonCode.PROTOCOL_ERROR, packet.type() + " is not sent by clients");
    }
  }

  private void onDisconnect(Disconnect d) {
    Long sei = d.properties().sessionExpiryInterval();
    if (sei != null) {
      if (c.sessionExpiry == 0 && sei != 0) {
        disconnector.protocolFailure(
            ReasonCode.PROTOCOL_ERROR,
            "DISCONNECT sets a session expiry after CONNECT set 0 (MQTT 5 section 3.14.2.2.2)");
        return;
      }
      c.sessionExpiry = sei;
      c.session.setExpiryInterval(sei);
    }
    ReasonCode r = d.reasonCode();
    will.publishOnClose(r != ReasonCode.NORMAL_DISCONNECTION);
    c.closeReason =
        !c.isV5() || r == ReasonCode.NORMAL_DISCONNECTION
            ? "disconnected"
            : "disconnected with reason " + r.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    disconnector.close();
  }
}
