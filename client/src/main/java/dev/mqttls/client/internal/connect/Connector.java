package dev.mqttls.client.internal.connect;

import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.ServerAddress;
import dev.mqttls.client.internal.ClientTls;
import dev.mqttls.client.internal.Failures;
import dev.mqttls.client.internal.ReasonTexts;
import dev.mqttls.client.internal.Words;
import dev.mqttls.client.internal.ping.KeepAlive;
import dev.mqttls.client.internal.session.ClientSession;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.ReasonCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects, reconnects and disconnects: one attempt at a time (TCP or a Unix socket, a SOCKS5
 * proxy, TLS, CONNECT, CONNACK) to the configured brokers in turn, the connection state, and the
 * caller's connect future. A CONNACK that accepts hands the connection to the {@link
 * ClientSession}; a lost connection is reconnected by the {@link Reconnector} when the policy says
 * so, round robin over the brokers.
 *
 * <p>Loop-confined, except {@link #state()}, which any thread may read.
 */
public final class Connector {
  private static final Logger LOG = LoggerFactory.getLogger(MqttClient.class);

  private final MqttClientConfig config;
  private final EventLoop loop;
  private final ClientSession session;
  private final Runnable changed;
  private final Consumer<MqttClientException> onLoss;
  private final ServerRotation servers;
  private final Reconnector reconnector;
  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private volatile String url;
  private SslContext sslContext;
  private Channel channel;
  private ConnectionHandler attempt;
  private CompletableFuture<ConnectResult> connectFuture;
  private final List<String> failedThisRound = new ArrayList<>();
  private int readPauses;
  private boolean everAccepted;

  /**
   * A connector for {@code config} on {@code loop}.
   *
   * @param changed called when the state or what the status shows may have changed
   * @param onLoss called (on the loop) when an accepted connection is lost, after the state changed
   */
  public Connector(
      MqttClientConfig config,
      EventLoop loop,
      ClientSession session,
      Runnable changed,
      Consumer<MqttClientException> onLoss) {
    this.config = config;
    this.loop = loop;
    this.session = session;
    this.changed = changed;
    this.onLoss = onLoss;
    this.servers = new ServerRotation(config.servers());
    this.reconnector = new Reconnector(config.reconnect(), loop);
    this.url = config.brokerUrl();
  }

  /** The connection state (any thread). */
  public ConnectionState state() {
    return state;
  }

  /** The broker connected to, or last tried (any thread). */
  public String url() {
    return url;
  }

  /** Connects, or joins the connect under way; {@code result} completes with the CONNACK. */
  public void connect(CompletableFuture<ConnectResult> result) {
    switch (state) {
      case CLOSED:
        result.completeExceptionally(closed());
        return;
      case CONNECTED:
        result.complete(session.connected().orElseThrow());
        return;
      case CONNECTING:
      case RECONNECTING:
        if (connectFuture == null) {
          connectFuture = new CompletableFuture<>();
        }
        forward(connectFuture, result);
        return;
      default:
        connectFuture = new CompletableFuture<>();
        forward(connectFuture, result);
        setState(ConnectionState.CONNECTING);
        servers.startConnect();
        failedThisRound.clear();
        startAttempt();
    }
  }

  private void startAttempt() {
    url = Transport.url(config, servers.current());
    try {
      doStartAttempt();
    } catch (MqttClientException e) {
      attemptFailed(attempt, e);
    } catch (RuntimeException | Error e) {
      // a connect that cannot even start must still end the attempt, or callers wait forever
      attemptFailed(
          attempt,
          new MqttClientException(
              FailureKind.CONFIGURATION,
              "cannot start connecting to " + url + ": " + Words.of(e),
              e));
    }
  }

  private void doStartAttempt() {
    if (config.tls().isPresent() && sslContext == null) {
      sslContext = ClientTls.build(config.tls().get());
    }
    if (config.tls().map(t -> t.insecure()).orElse(false)) {
      LOG.warn(
          "INSECURE: TLS host name verification is off for {}: any certificate from a trusted CA is"
              + " accepted, whatever host it names",
          url);
    }
    String attemptUrl = url;
    ConnectionHandler conn = new ConnectionHandler(this, session, config, attemptUrl);
    attempt = conn;
    var bootstrap = Transport.bootstrap(config, loop, initializer(conn));
    var remote = Transport.remote(config, servers.current());
    conn.timeout =
        loop.schedule(
            () ->
                attemptFailed(
                    conn,
                    new MqttClientException(
                        FailureKind.TIMEOUT,
                        "no CONNACK from "
                            + attemptUrl
                            + " within "
                            + config.connectTimeout().toSeconds()
                            + " s"
                            + (conn.stage.isEmpty() ? "" : " (" + conn.stage + ")"),
                        null)),
            config.connectTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    conn.stage = "TCP connect";
    ChannelFuture f = bootstrap.connect(remote, Transport.local(config));
    channel = f.channel();
    if (readPauses > 0) {
      channel.config().setAutoRead(false);
    }
    f.addListener(
        (ChannelFutureListener)
            cf -> {
              if (!cf.isSuccess()) {
                attemptFailed(
                    conn,
                    config.socks5Proxy().isPresent()
                        ? Failures.proxyFailed(
                            cf.cause(), attemptUrl, config.socks5Proxy().get().toString())
                        : Failures.connectFailed(cf.cause(), attemptUrl));
              } else if (config.webSocketPath().isPresent()) {
                // CONNECT follows the WebSocket upgrade (ConnectionHandler).
                conn.stage = sslContext == null ? "WebSocket upgrade" : "TLS handshake";
              } else if (sslContext == null) {
                conn.sendConnect(cf.channel());
              } else {
                conn.stage = "TLS handshake";
              }
            });
  }

  private ChannelInitializer<Channel> initializer(ConnectionHandler conn) {
    var server = servers.current();
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ChannelHandler proxy = Transport.proxyHandler(config);
        if (proxy != null) {
          ch.pipeline().addLast("proxy", proxy);
        }
        if (sslContext != null) {
          String peer = config.tls().get().sniHost().orElse(server.host());
          SslHandler ssl = sslContext.newHandler(ch.alloc(), peer, server.port());
          ssl.setHandshakeTimeoutMillis(config.tls().get().handshakeTimeout().toMillis());
          ch.pipeline().addLast("tls", ssl);
        } else {
          ch.pipeline()
              .addLast(
                  "tls-answer", new TlsAnswerDetector(conn.url(), e -> attemptFailed(conn, e)));
        }
        if (config.webSocketPath().isPresent()) {
          WebSocketTransport.install(
              ch.pipeline(),
              URI.create(
                  config.brokerUrl().replaceFirst("^[a-z]+://[^/]+", webSocketOrigin(server))),
              config.connectTimeout().toMillis());
        }
        ch.pipeline()
            .addLast("decoder", MqttDecoder.forClient(DecoderLimits.DEFAULT, config.version()))
            .addLast("encoder", new MqttEncoder(config.version()))
            // many small publishes from application threads: one TLS record and one syscall for a
            // burst instead of one per packet
            .addLast("flush", new FlushConsolidationHandler(64, true));
        config
            .packetTrace()
            .ifPresent(t -> ch.pipeline().addLast("trace", new PacketTraceHandler(t)));
        ch.pipeline().addLast("client", conn);
      }
    };
  }

  /** {@code ws://host:port} or {@code wss://host:port} of the server this attempt connects to. */
  private String webSocketOrigin(ServerAddress server) {
    String url = server.url(sslContext != null);
    return (sslContext != null ? "wss" : "ws") + url.substring(url.indexOf(':'));
  }

  boolean isCurrent(ConnectionHandler conn) {
    return attempt == conn;
  }

  /** A connection attempt failed before a CONNACK accepted it. */
  void attemptFailed(ConnectionHandler conn, MqttClientException cause) {
    if (conn != null) {
      if (conn.done) {
        return;
      }
      conn.done = true;
      conn.cancelTimeout();
      if (conn.ctx != null) {
        conn.ctx.close();
      } else if (channel != null) {
        channel.close();
      }
    }
    if (attempt == conn) {
      attempt = null;
      channel = null;
    }
    boolean fatal =
        cause.kind() == FailureKind.CONFIGURATION || cause.kind() == FailureKind.REFUSED;
    if (state == ConnectionState.RECONNECTING && !fatal) {
      LOG.warn("reconnecting to {} failed: {}", url, cause.getMessage());
      scheduleReconnect();
      return;
    }
    if (state == ConnectionState.CONNECTING && !fatal && servers.size() > 1) {
      failedThisRound.add(url + ": " + cause.getMessage());
      if (servers.nextUntried()) {
        LOG.info("connecting to {} failed, trying the next broker: {}", url, cause.getMessage());
        startAttempt();
        return;
      }
      cause =
          new MqttClientException(
              cause.kind(),
              "no broker accepted the connection: " + String.join("; ", failedThisRound),
              cause);
    }
    setState(ConnectionState.DISCONNECTED);
    if (config.offlineBuffer().capacity() == 0) {
      session.outgoing().failAll(cause);
    }
    CompletableFuture<ConnectResult> f = connectFuture;
    connectFuture = null;
    if (f != null) {
      f.completeExceptionally(cause);
    }
  }

  private void scheduleReconnect() {
    setState(ConnectionState.RECONNECTING);
    servers.advance();
    Duration delay =
        reconnector.schedule(
            () -> {
              if (state == ConnectionState.RECONNECTING) {
                startAttempt();
              }
            });
    LOG.info(
        "reconnecting to {} in {} ms", Transport.url(config, servers.current()), delay.toMillis());
  }

  void connackReceived(ConnectionHandler conn, Connack connack) {
    if (connack.reasonCode().isError()) {
      ReasonCode rc = connack.reasonCode();
      MqttProperties p = connack.properties();
      String msg =
          "the broker at "
              + url
              + " refused the connection: "
              + ReasonTexts.name(rc)
              + " - "
              + ReasonTexts.connackAdvice(rc)
              + (p.reasonString() != null ? " (broker says: " + p.reasonString() + ")" : "");
      // A refusal is final: a reconnect loop would only hammer the broker with the same CONNECT.
      if (state == ConnectionState.RECONNECTING) {
        setState(ConnectionState.DISCONNECTED);
      }
      attemptFailed(
          conn, new MqttClientException(FailureKind.REFUSED, msg, rc, p.reasonString(), null));
      return;
    }
    conn.cancelTimeout();
    conn.accepted = true;
    conn.done = true;
    Long maxPacket = connack.properties().maximumPacketSize();
    if (maxPacket != null) {
      MqttEncoder enc = conn.ctx.pipeline().get(MqttEncoder.class);
      if (enc != null) {
        enc.setMaximumPacketSize(maxPacket);
      }
    }
    boolean reconnect = everAccepted;
    everAccepted = true;
    reconnector.reset();
    ConnectResult result = session.start(connack, conn.ctx.channel(), conn.tls);
    if (result.keepAliveSeconds() > 0) {
      KeepAlive.install(
          conn.ctx.pipeline(), "decoder", result.keepAliveSeconds(), url, conn::lossCause);
    }
    setState(ConnectionState.CONNECTED);
    LOG.debug("connected to {} (session present: {})", url, connack.sessionPresent());
    CompletableFuture<ConnectResult> f = connectFuture;
    connectFuture = null;
    if (f != null) {
      f.complete(result);
    }
    if (reconnect) {
      LOG.info("reconnected to {} (session present: {})", url, connack.sessionPresent());
    }
  }

  /** An accepted connection ended. */
  void connectionLost(ConnectionHandler conn, MqttClientException cause) {
    conn.cancelTimeout();
    if (attempt != conn) {
      return;
    }
    attempt = null;
    channel = null;
    session.connectionEnded(cause, true);
    if (state == ConnectionState.CLOSED || state == ConnectionState.DISCONNECTED) {
      return;
    }
    LOG.warn("connection to {} lost: {}", url, cause.getMessage());
    if (reconnector.enabled()) {
      scheduleReconnect();
    } else {
      setState(ConnectionState.DISCONNECTED);
      // with an offline buffer, unacknowledged messages wait for the next connect()
      if (config.offlineBuffer().capacity() == 0) {
        session.outgoing().failAll(cause);
      }
    }
    // listeners see the state the loss led to
    onLoss.accept(cause);
  }

  /**
   * Sends DISCONNECT if connected and closes; reconnecting stops. Everything waiting fails.
   *
   * @param finalState {@link ConnectionState#DISCONNECTED}, or {@link ConnectionState#CLOSED} for
   *     good
   */
  public void disconnect(CompletableFuture<Void> result, ConnectionState finalState) {
    reconnector.cancel();
    boolean wasConnected = state == ConnectionState.CONNECTED;
    setState(finalState);
    ConnectionHandler conn = attempt;
    Channel ch = channel;
    attempt = null;
    channel = null;
    MqttClientException cause =
        finalState == ConnectionState.CLOSED
            ? closed()
            : new MqttClientException(
                FailureKind.CONNECTION_LOST, "disconnected before this completed", null);
    session.connectionEnded(cause, false);
    CompletableFuture<ConnectResult> f = connectFuture;
    connectFuture = null;
    if (f != null) {
      f.completeExceptionally(cause);
    }
    if (conn != null) {
      conn.done = true;
      conn.cancelTimeout();
    }
    if (ch == null) {
      result.complete(null);
      return;
    }
    if (wasConnected && ch.isActive()) {
      ch.writeAndFlush(new Disconnect())
          .addListener((ChannelFutureListener) wf -> wf.channel().close());
    } else {
      ch.close();
    }
    ch.closeFuture().addListener(cf -> result.complete(null));
  }

  /** Stops reading from the connection until as many {@link #resumeReading()} calls. */
  public void pauseReading() {
    if (readPauses++ == 0 && channel != null) {
      channel.config().setAutoRead(false);
    }
  }

  /** Undoes one {@link #pauseReading()}. */
  public void resumeReading() {
    if (readPauses > 0 && --readPauses == 0 && channel != null) {
      channel.config().setAutoRead(true);
      channel.read();
    }
  }

  /** The channel, for tests of transport options; null when not connected. */
  Channel channel() {
    return channel;
  }

  private void setState(ConnectionState s) {
    state = s;
    changed.run();
  }

  /** The failure of an operation on a closed client. */
  public static MqttClientException closed() {
    return new MqttClientException(FailureKind.CLOSED, "the client is closed", null);
  }

  private static <T> void forward(CompletableFuture<T> from, CompletableFuture<T> to) {
    from.whenComplete(
        (v, e) -> {
          if (e != null) {
            to.completeExceptionally(e);
          } else {
            to.complete(v);
          }
        });
  }
}
