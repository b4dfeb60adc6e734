package dev.mqttls.client.internal;

import dev.mqttls.client.BlockingMqttClient;
import dev.mqttls.client.ClientStatus;
import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MessageStream;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.OfflineBuffer;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.SubscribeResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.TlsSessionInfo;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.PacketId;
import dev.mqttls.codec.Pingreq;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.TopicName;
import dev.mqttls.codec.Unsuback;
import dev.mqttls.codec.Unsubscribe;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client: one session, one connection at a time, all state on one event loop.
 *
 * <p>Every field below the "loop-confined" line is read and written only on {@link #loop}; public
 * methods hop onto it with {@link #onLoop}. Callbacks to the application run on {@link #callbacks},
 * so an application that blocks in a callback never stalls the connection.
 */
public final class ClientImpl implements MqttClient {
  private static final Logger LOG = LoggerFactory.getLogger(MqttClient.class);
  private static final String PLAIN_HINT =
      " (if this is a TLS port, connect with mqtts:// or TLS options)";

  private final MqttClientConfig config;
  private final EventLoop loop;
  private final SerialExecutor callbacks;
  private final String url;
  private final List<Consumer<MqttClientException>> lossListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong messagesIn = new AtomicLong();
  private final AtomicLong messagesOut = new AtomicLong();
  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private volatile Consumer<Message> unmatched;
  private volatile ClientStatus statusSnapshot;
  private final BlockingClientImpl blocking;

  // ---- loop-confined ----
  private SslContext sslContext;
  private Channel channel;
  private Connection connection;
  private CompletableFuture<ConnectResult> connectFuture;
  private ConnectResult connected;
  private String clientId;
  private int reconnectAttempt;
  private ScheduledFuture<?> reconnectTask;
  private boolean everConnected;
  private int nextPacketId = 1;
  private int sendWindow;
  private int readPauses;
  private final LinkedHashMap<Integer, OutgoingPublish> inflight = new LinkedHashMap<>();
  private final ArrayDeque<OutgoingPublish> pending = new ArrayDeque<>();
  private final Map<Integer, Request<?>> requests = new HashMap<>();
  private final LinkedHashMap<String, SubEntry> subscriptions = new LinkedHashMap<>();
  private final Set<Integer> incomingQos2 = new HashSet<>();

  /** A client for {@code config}; use {@link MqttClient#create}. */
  public ClientImpl(MqttClientConfig config) {
    this.config = config;
    this.loop = SharedResources.loops().next();
    this.callbacks = new SerialExecutor(SharedResources.callbacks());
    this.url = config.brokerUrl();
    this.clientId = config.clientId();
    this.blocking = new BlockingClientImpl(this);
    this.statusSnapshot = snapshot();
  }

  @Override
  public MqttClientConfig config() {
    return config;
  }

  // ------------------------------------------------------------------ public API

  @Override
  public CompletableFuture<ConnectResult> connect() {
    CompletableFuture<ConnectResult> result = new CompletableFuture<>();
    onLoop(
        result,
        () -> {
          switch (state) {
            case CLOSED:
              result.completeExceptionally(closed());
              return;
            case CONNECTED:
              result.complete(connected);
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
              startAttempt();
          }
        });
    return result;
  }

  @Override
  public CompletableFuture<PublishResult> publish(Message message) {
    java.util.Objects.requireNonNull(message, "message");
    CompletableFuture<PublishResult> result = new CompletableFuture<>();
    onLoop(result, () -> enqueue(new OutgoingPublish(message, result)));
    return result;
  }

  @Override
  public CompletableFuture<SubscribeResult> subscribe(
      Subscription subscription, Consumer<Message> callback) {
    java.util.Objects.requireNonNull(subscription, "subscription");
    java.util.Objects.requireNonNull(callback, "callback");
    CompletableFuture<SubscribeResult> result = new CompletableFuture<>();
    onLoop(
        result,
        () -> {
          if (state != ConnectionState.CONNECTED) {
            result.completeExceptionally(notConnected("subscribe"));
            return;
          }
          subscriptions.put(subscription.filter(), new SubEntry(subscription, callback));
          sendSubscribe(subscription, result, true);
          updateSnapshot();
        });
    return result;
  }

  @Override
  public MessageStream subscribeStream(Subscription subscription, int bufferSize) {
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize must be at least 1, was " + bufferSize);
    }
    return new MessageStreamImpl(this, subscription, bufferSize);
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String filter) {
    TopicFilter f = TopicFilter.of(filter);
    CompletableFuture<Void> result = new CompletableFuture<>();
    onLoop(
        result,
        () -> {
          subscriptions.remove(filter);
          updateSnapshot();
          if (state != ConnectionState.CONNECTED) {
            result.completeExceptionally(notConnected("unsubscribe"));
            return;
          }
          int id = allocatePacketId();
          Request<Void> r = new Request<>(result, List.of(filter));
          requests.put(id, r);
          write(new Unsubscribe(id, List.of(f), MqttProperties.EMPTY));
        });
    return result;
  }

  @Override
  public CompletableFuture<Void> disconnect() {
    CompletableFuture<Void> result = new CompletableFuture<>();
    onLoop(result, () -> doDisconnect(result, ConnectionState.DISCONNECTED));
    return result;
  }

  @Override
  public void onConnectionLost(Consumer<MqttClientException> listener) {
    lossListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void onUnmatchedMessage(Consumer<Message> callback) {
    unmatched = java.util.Objects.requireNonNull(callback, "callback");
  }

  @Override
  public ConnectionState state() {
    return state;
  }

  @Override
  public ClientStatus status() {
    ClientStatus s = statusSnapshot;
    // counters are read live: a future may complete before the loop refreshes the snapshot
    return new ClientStatus(
        s.state(),
        s.brokerUrl(),
        s.clientId(),
        s.connect(),
        s.subscriptions(),
        messagesIn.get(),
        messagesOut.get(),
        s.inflight(),
        s.buffered());
  }

  @Override
  public BlockingMqttClient blocking() {
    return blocking;
  }

  @Override
  public void close() {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(done, () -> doDisconnect(done, ConnectionState.CLOSED));
    if (!loop.inEventLoop()) {
      try {
        done.get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        LOG.debug("closing {}: {}", url, e.toString());
      }
    }
  }

  // ------------------------------------------------------------------ used by streams

  /** Stops reading from the connection until as many {@link #resumeReading()} calls. */
  void pauseReading() {
    loop.execute(
        () -> {
          if (readPauses++ == 0 && channel != null) {
            channel.config().setAutoRead(false);
          }
        });
  }

  void resumeReading() {
    loop.execute(
        () -> {
          if (readPauses > 0 && --readPauses == 0 && channel != null) {
            channel.config().setAutoRead(true);
            channel.read();
          }
        });
  }

  java.util.concurrent.Executor callbackExecutor() {
    return callbacks;
  }

  // ------------------------------------------------------------------ connecting

  private void startAttempt() {
    try {
      doStartAttempt();
    } catch (RuntimeException | Error e) {
      // a connect that cannot even start must still end the attempt, or callers wait forever
      attemptFailed(
          connection,
          new MqttClientException(
              FailureKind.CONFIGURATION,
              "cannot start connecting to " + url + ": " + Words.of(e),
              e));
    }
  }

  private void doStartAttempt() {
    if (config.tls().isPresent() && sslContext == null) {
      try {
        sslContext = ClientTls.build(config.tls().get());
      } catch (MqttClientException e) {
        attemptFailed(null, e);
        return;
      }
    }
    if (config.tls().map(t -> t.insecure()).orElse(false)) {
      LOG.warn(
          "INSECURE: TLS host name verification is off for {}: any certificate from a trusted CA is"
              + " accepted, whatever host it names",
          url);
    }
    Connection conn = new Connection();
    connection = conn;
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (sslContext != null) {
                      String peer = config.tls().get().sniHost().orElse(config.host());
                      SslHandler ssl = sslContext.newHandler(ch.alloc(), peer, config.port());
                      ssl.setHandshakeTimeoutMillis(
                          config.tls().get().handshakeTimeout().toMillis());
                      ch.pipeline().addLast("tls", ssl);
                    } else {
                      ch.pipeline()
                          .addLast(
                              "tls-answer",
                              new TlsAnswerDetector(url, e -> attemptFailed(conn, e)));
                    }
                    ch.pipeline()
                        .addLast(
                            "decoder",
                            MqttDecoder.forClient(DecoderLimits.DEFAULT, config.version()))
                        .addLast("encoder", new MqttEncoder(config.version()))
                        // many small publishes from application threads: one TLS record and one
                        // syscall for a burst instead of one per packet
                        .addLast(
                            "flush", new io.netty.handler.flush.FlushConsolidationHandler(64, true))
                        .addLast("client", conn);
                  }
                });
    conn.timeout =
        loop.schedule(
            () ->
                attemptFailed(
                    conn,
                    new MqttClientException(
                        FailureKind.TIMEOUT,
                        "no CONNACK from "
                            + url
                            + " within "
                            + config.connectTimeout().toSeconds()
                            + " s"
                            + (conn.stage.isEmpty() ? "" : " (" + conn.stage + ")"),
                        null)),
            config.connectTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    conn.stage = "TCP connect";
    ChannelFuture f = b.connect(config.host(), config.port());
    channel = f.channel();
    if (readPauses > 0) {
      channel.config().setAutoRead(false);
    }
    f.addListener(
        (ChannelFutureListener)
            cf -> {
              if (!cf.isSuccess()) {
                attemptFailed(conn, Failures.connectFailed(cf.cause(), url));
              } else if (sslContext == null) {
                conn.sendConnect(cf.channel());
              } else {
                conn.stage = "TLS handshake";
              }
            });
  }

  /** A connection attempt failed before CONNACK accepted it. */
  private void attemptFailed(Connection conn, MqttClientException cause) {
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
    if (connection == conn) {
      connection = null;
      channel = null;
    }
    if (state == ConnectionState.RECONNECTING && !(cause.kind() == FailureKind.CONFIGURATION)) {
      LOG.warn("reconnecting to {} failed: {}", url, cause.getMessage());
      scheduleReconnect();
      return;
    }
    setState(ConnectionState.DISCONNECTED);
    if (config.offlineBuffer().capacity() == 0) {
      failAllPublishes(cause);
    }
    CompletableFuture<ConnectResult> f = connectFuture;
    connectFuture = null;
    if (f != null) {
      f.completeExceptionally(cause);
    }
  }

  private void scheduleReconnect() {
    setState(ConnectionState.RECONNECTING);
    java.time.Duration delay =
        config.reconnect().delay(reconnectAttempt++, ThreadLocalRandom.current().nextDouble());
    LOG.info("reconnecting to {} in {} ms", url, delay.toMillis());
    reconnectTask =
        loop.schedule(
            () -> {
              reconnectTask = null;
              if (state == ConnectionState.RECONNECTING) {
                startAttempt();
              }
            },
            delay.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void connackReceived(Connection conn, Connack connack) {
    if (!connack.reasonCode().isError()) {
      conn.cancelTimeout();
    }
    MqttProperties p = connack.properties();
    if (connack.reasonCode().isError()) {
      ReasonCode rc = connack.reasonCode();
      String msg =
          "the broker at "
              + url
              + " refused the connection: "
              + ReasonTexts.name(rc)
              + " - "
              + ReasonTexts.connackAdvice(rc)
              + (p.reasonString() != null ? " (broker says: " + p.reasonString() + ")" : "");
      MqttClientException e =
          new MqttClientException(FailureKind.REFUSED, msg, rc, p.reasonString(), null);
      // A refusal is final: a reconnect loop would only hammer the broker with the same CONNECT.
      if (state == ConnectionState.RECONNECTING) {
        setState(ConnectionState.DISCONNECTED);
      }
      attemptFailed(conn, e);
      return;
    }
    conn.accepted = true;
    conn.done = true;
    if (p.assignedClientIdentifier() != null) {
      clientId = p.assignedClientIdentifier();
    }
    int keepAlive = p.serverKeepAlive() != null ? p.serverKeepAlive() : config.keepAliveSeconds();
    int receiveMax = p.receiveMaximum() != null ? p.receiveMaximum() : 65_535;
    sendWindow = Math.min(config.maxInflight(), receiveMax);
    if (p.maximumPacketSize() != null) {
      MqttEncoder enc = conn.ctx.pipeline().get(MqttEncoder.class);
      if (enc != null) {
        enc.setMaximumPacketSize(p.maximumPacketSize());
      }
    }
    if (keepAlive > 0) {
      conn.ctx
          .pipeline()
          .addBefore(
              "decoder",
              "keepalive",
              new IdleStateHandler(keepAlive * 3L / 2 + 1, keepAlive, 0, TimeUnit.SECONDS));
    }
    connected =
        new ConnectResult(
            connack.reasonCode(),
            connack.sessionPresent(),
            Optional.ofNullable(p.assignedClientIdentifier()),
            keepAlive,
            receiveMax,
            p.maximumQos() != null ? p.maximumQos() : Qos.EXACTLY_ONCE,
            p.retainAvailable() == null || p.retainAvailable(),
            Optional.ofNullable(p.reasonString()),
            p.userProperties(),
            Optional.ofNullable(conn.tls));
    boolean reconnect = everConnected;
    everConnected = true;
    reconnectAttempt = 0;
    setState(ConnectionState.CONNECTED);
    LOG.debug("connected to {} (session present: {})", url, connack.sessionPresent());
    if (connack.sessionPresent()) {
      // Resume: the broker still holds our in-flight state; resend it in order (MQTT 5 4.4).
      for (OutgoingPublish op : inflight.values()) {
        if (op.pubrecReceived) {
          write(new Pubrel(op.packetId));
        } else {
          write(PacketConversions.toPublish(op.message, op.packetId, true, config.version()));
        }
      }
    } else {
      incomingQos2.clear();
      List<OutgoingPublish> resend = new ArrayList<>();
      for (OutgoingPublish op : inflight.values()) {
        if (op.pubrecReceived) {
          // The broker took it (PUBREC) before forgetting the session: it was delivered once.
          complete(op, ReasonCode.SUCCESS, null);
        } else {
          op.packetId = 0;
          resend.add(op);
        }
      }
      inflight.clear();
      for (int i = resend.size() - 1; i >= 0; i--) {
        pending.addFirst(resend.get(i));
      }
      if (reconnect) {
        for (SubEntry s : subscriptions.values()) {
          CompletableFuture<SubscribeResult> r = new CompletableFuture<>();
          r.whenComplete(
              (ok, err) -> {
                if (err != null) {
                  LOG.warn(
                      "resubscribing to {} failed: {}", s.subscription.filter(), err.getMessage());
                }
              });
          sendSubscribe(s.subscription, r, false);
        }
      }
    }
    drainPending();
    CompletableFuture<ConnectResult> f = connectFuture;
    connectFuture = null;
    if (f != null) {
      f.complete(connected);
    }
    if (reconnect) {
      LOG.info("reconnected to {} (session present: {})", url, connack.sessionPresent());
    }
  }

  /** An established connection ended. */
  private void connectionLost(Connection conn, MqttClientException cause) {
    conn.cancelTimeout();
    if (connection != conn) {
      return;
    }
    connection = null;
    channel = null;
    connected = null;
    failRequests(cause);
    if (state == ConnectionState.CLOSED || state == ConnectionState.DISCONNECTED) {
      return;
    }
    LOG.warn("connection to {} lost: {}", url, cause.getMessage());
    if (config.reconnect().enabled()) {
      scheduleReconnect();
    } else {
      setState(ConnectionState.DISCONNECTED);
      // with an offline buffer, unacknowledged messages wait for the next connect()
      if (config.offlineBuffer().capacity() == 0) {
        failAllPublishes(cause);
      }
    }
    // listeners see the state the loss led to
    for (Consumer<MqttClientException> l : lossListeners) {
      callbacks.execute(() -> l.accept(cause));
    }
  }

  private void doDisconnect(CompletableFuture<Void> result, ConnectionState finalState) {
    if (reconnectTask != null) {
      reconnectTask.cancel(false);
      reconnectTask = null;
    }
    boolean wasConnected = state == ConnectionState.CONNECTED;
    setState(finalState);
    Connection conn = connection;
    Channel ch = channel;
    connection = null;
    channel = null;
    connected = null;
    MqttClientException cause =
        finalState == ConnectionState.CLOSED
            ? closed()
            : new MqttClientException(
                FailureKind.CONNECTION_LOST, "disconnected before this completed", null);
    failRequests(cause);
    failAllPublishes(cause);
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

  // ------------------------------------------------------------------ publishing

  private void enqueue(OutgoingPublish op) {
    if (state == ConnectionState.CLOSED) {
      op.future.completeExceptionally(closed());
      return;
    }
    if (state == ConnectionState.CONNECTED) {
      pending.add(op);
      drainPending();
      updateSnapshot();
      return;
    }
    OfflineBuffer buffer = config.offlineBuffer();
    if (buffer.capacity() == 0) {
      op.future.completeExceptionally(notConnected("publish"));
      return;
    }
    if (pending.size() >= buffer.capacity()) {
      switch (buffer.overflow()) {
        case DROP_OLDEST:
          OutgoingPublish oldest = pending.poll();
          if (oldest != null) {
            oldest.future.completeExceptionally(
                new MqttClientException(
                    FailureKind.BUFFER_FULL,
                    "dropped from the full offline buffer ("
                        + buffer.capacity()
                        + " messages) to make room for a newer one",
                    null));
          }
          break;
        case DROP_NEWEST:
          op.future.complete(
              new PublishResult(op.message.qos(), ReasonCode.SUCCESS, Optional.empty(), true));
          return;
        default:
          op.future.completeExceptionally(
              new MqttClientException(
                  FailureKind.BUFFER_FULL,
                  "the offline buffer is full (" + buffer.capacity() + " messages)",
                  null));
          return;
      }
    }
    pending.add(op);
    updateSnapshot();
  }

  private void drainPending() {
    if (state != ConnectionState.CONNECTED || channel == null) {
      return;
    }
    boolean wrote = false;
    while (!pending.isEmpty()) {
      OutgoingPublish op = pending.peek();
      if (op.message.qos() == Qos.AT_MOST_ONCE) {
        pending.poll();
        Publish p = PacketConversions.toPublish(op.message, 0, false, config.version());
        channel
            .write(p)
            .addListener(
                (ChannelFutureListener)
                    wf -> {
                      if (wf.isSuccess()) {
                        messagesOut.incrementAndGet();
                        op.future.complete(
                            new PublishResult(
                                Qos.AT_MOST_ONCE, ReasonCode.SUCCESS, Optional.empty(), false));
                      } else {
                        op.future.completeExceptionally(writeFailed(wf.cause()));
                      }
                    });
        wrote = true;
        continue;
      }
      if (inflight.size() >= sendWindow) {
        break;
      }
      pending.poll();
      op.packetId = allocatePacketId();
      inflight.put(op.packetId, op);
      channel
          .write(PacketConversions.toPublish(op.message, op.packetId, false, config.version()))
          .addListener(
              (ChannelFutureListener)
                  wf -> {
                    if (!wf.isSuccess() && inflight.get(op.packetId) == op) {
                      inflight.remove(op.packetId);
                      op.future.completeExceptionally(writeFailed(wf.cause()));
                    }
                  });
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
    updateSnapshot();
  }

  private MqttClientException writeFailed(Throwable t) {
    if (t instanceof MqttClientException m) {
      return m;
    }
    if (t instanceof dev.mqttls.codec.PacketTooLargeException) {
      return new MqttClientException(FailureKind.PROTOCOL, t.getMessage(), t);
    }
    return new MqttClientException(
        FailureKind.CONNECTION_LOST, "the connection to " + url + " closed before sending", t);
  }

  private void complete(OutgoingPublish op, ReasonCode rc, MqttProperties props) {
    String reason = props == null ? null : props.reasonString();
    if (rc.isError()) {
      op.future.completeExceptionally(
          new MqttClientException(
              FailureKind.PROTOCOL,
              "the broker refused the publish to "
                  + op.message.topic()
                  + ": "
                  + ReasonTexts.name(rc)
                  + (reason != null ? " (" + reason + ")" : ""),
              rc,
              reason,
              null));
    } else {
      messagesOut.incrementAndGet();
      op.future.complete(
          new PublishResult(op.message.qos(), rc, Optional.ofNullable(reason), false));
    }
  }

  private void failAllPublishes(MqttClientException cause) {
    for (OutgoingPublish op : inflight.values()) {
      op.future.completeExceptionally(cause);
    }
    inflight.clear();
    OutgoingPublish op;
    while ((op = pending.poll()) != null) {
      op.future.completeExceptionally(cause);
    }
    updateSnapshot();
  }

  // ------------------------------------------------------------------ subscribing

  private void sendSubscribe(
      Subscription s, CompletableFuture<SubscribeResult> result, boolean firstTime) {
    int id = allocatePacketId();
    requests.put(id, new Request<>(result, List.of(s.filter()), firstTime));
    dev.mqttls.codec.Subscription cs =
        new dev.mqttls.codec.Subscription(
            TopicFilter.of(s.filter()),
            s.qos(),
            s.noLocal(),
            s.retainAsPublished(),
            s.retainHandling());
    write(new Subscribe(id, List.of(cs), MqttProperties.EMPTY));
  }

  @SuppressWarnings("unchecked")
  private void subackReceived(Suback suback) {
    Request<?> r = requests.remove(suback.packetId());
    if (r == null) {
      LOG.debug("SUBACK for unknown packet id {} from {}", suback.packetId(), url);
      return;
    }
    String reason = suback.properties().reasonString();
    for (int i = 0; i < suback.reasonCodes().size(); i++) {
      ReasonCode rc = suback.reasonCodes().get(i);
      if (rc.isError()) {
        String filter = i < r.filters.size() ? r.filters.get(i) : "?";
        subscriptions.remove(filter);
        updateSnapshot();
        r.future.completeExceptionally(
            new MqttClientException(
                FailureKind.PROTOCOL,
                "the broker refused the subscription to "
                    + filter
                    + ": "
                    + ReasonTexts.name(rc)
                    + (reason != null ? " (" + reason + ")" : ""),
                rc,
                reason,
                null));
        return;
      }
    }
    ((CompletableFuture<SubscribeResult>) r.future)
        .complete(new SubscribeResult(suback.reasonCodes(), Optional.ofNullable(reason)));
  }

  @SuppressWarnings("unchecked")
  private void unsubackReceived(Unsuback unsuback) {
    Request<?> r = requests.remove(unsuback.packetId());
    if (r != null) {
      ((CompletableFuture<Void>) r.future).complete(null);
    }
  }

  private void deliver(Publish p) {
    String topic = p.topic();
    Message m = PacketConversions.toMessage(p, topic);
    messagesIn.incrementAndGet();
    TopicName name = TopicName.of(topic);
    boolean any = false;
    for (SubEntry s : subscriptions.values()) {
      if (s.filter.matches(name)) {
        any = true;
        Consumer<Message> cb = s.callback;
        callbacks.execute(() -> cb.accept(m));
      }
    }
    if (!any) {
      Consumer<Message> cb = unmatched;
      if (cb != null) {
        callbacks.execute(() -> cb.accept(m));
      } else {
        LOG.debug("message on {} matches no subscription of this client; dropped", topic);
      }
    }
    // nothing in the snapshot changed: status() reads the message counters live
  }

  // ------------------------------------------------------------------ plumbing

  private int allocatePacketId() {
    for (int i = 0; i < PacketId.MAX; i++) {
      int id = nextPacketId;
      nextPacketId = PacketId.next(nextPacketId);
      if (!inflight.containsKey(id) && !requests.containsKey(id)) {
        return id;
      }
    }
    throw new IllegalStateException("all 65535 packet identifiers are in use");
  }

  private void write(MqttPacket packet) {
    Channel ch = channel;
    if (ch == null) {
      ReferenceCountUtil.release(packet);
      return;
    }
    ch.writeAndFlush(packet).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }

  private void onLoop(CompletableFuture<?> result, Runnable task) {
    if (loop.inEventLoop()) {
      runGuarded(result, task);
    } else {
      try {
        loop.execute(() -> runGuarded(result, task));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        result.completeExceptionally(closed());
      }
    }
  }

  private static void runGuarded(CompletableFuture<?> result, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      // never leave a caller waiting on a future that nothing will complete
      result.completeExceptionally(e);
    }
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

  private void setState(ConnectionState s) {
    state = s;
    updateSnapshot();
  }

  private void updateSnapshot() {
    statusSnapshot = snapshot();
  }

  private ClientStatus snapshot() {
    List<Subscription> subs = new ArrayList<>();
    for (SubEntry e : subscriptions.values()) {
      subs.add(e.subscription);
    }
    return new ClientStatus(
        state,
        url,
        clientId,
        Optional.ofNullable(connected),
        subs,
        messagesIn.get(),
        messagesOut.get(),
        inflight.size(),
        state == ConnectionState.CONNECTED ? 0 : pending.size());
  }

  private MqttClientException closed() {
    return new MqttClientException(FailureKind.CLOSED, "the client is closed", null);
  }

  private MqttClientException notConnected(String what) {
    return new MqttClientException(
        FailureKind.CONNECTION_LOST, "cannot " + what + ": not connected to " + url, null);
  }

  private static final class SubEntry {
    final Subscription subscription;
    final TopicFilter filter;
    final Consumer<Message> callback;

    SubEntry(Subscription subscription, Consumer<Message> callback) {
      this.subscription = subscription;
      this.filter = TopicFilter.of(subscription.filter());
      this.callback = callback;
    }
  }

  private static final class Request<T> {
    final CompletableFuture<T> future;
    final List<String> filters;

    /** A subscription the application asked for and the broker has not confirmed yet. */
    final boolean unconfirmedSubscription;

    Request(CompletableFuture<T> future, List<String> filters) {
      this(future, filters, false);
    }

    Request(CompletableFuture<T> future, List<String> filters, boolean unconfirmedSubscription) {
      this.future = future;
      this.filters = filters;
      this.unconfirmedSubscription = unconfirmedSubscription;
    }
  }

  /** Fails the requests waiting for an answer; subscriptions never confirmed are forgotten. */
  private void failRequests(MqttClientException cause) {
    for (Request<?> r : requests.values()) {
      if (r.unconfirmedSubscription) {
        r.filters.forEach(subscriptions::remove);
      }
      r.future.completeExceptionally(cause);
    }
    requests.clear();
    updateSnapshot();
  }

  /** The handler of one connection attempt and, once accepted, of the connection. */
  private final class Connection extends ChannelInboundHandlerAdapter {
    ChannelHandlerContext ctx;
    ScheduledFuture<?> timeout;
    String stage = "";
    boolean done;
    boolean accepted;
    TlsSessionInfo tls;
    MqttClientException lossCause;

    void cancelTimeout() {
      if (timeout != null) {
        timeout.cancel(false);
        timeout = null;
      }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    void sendConnect(Channel ch) {
      stage = "waiting for CONNACK";
      MqttProperties.Builder props = MqttProperties.builder();
      if (config.version() == MqttVersion.V5) {
        if (config.sessionExpirySeconds() > 0) {
          props.sessionExpiryInterval(config.sessionExpirySeconds());
        }
        for (var u : config.connectUserProperties()) {
          props.userProperty(u);
        }
      }
      Connect c =
          new Connect(
              config.version(),
              // a broker-assigned id is reused so a reconnect resumes the same session
              everConnected ? clientId : config.clientId(),
              // MQTT 5 resumes on reconnect (session expiry decides); 3.1.1 keeps its clean flag
              config.cleanStart() && (!everConnected || config.version() != MqttVersion.V5),
              config.keepAliveSeconds(),
              config.username().orElse(null),
              config.password().orElse(null),
              config.will().map(w -> PacketConversions.toWill(w, config.version())).orElse(null),
              props.build());
      ch.writeAndFlush(c)
          .addListener(
              (ChannelFutureListener)
                  wf -> {
                    if (!wf.isSuccess()) {
                      attemptFailed(
                          this,
                          new MqttClientException(
                              FailureKind.UNREACHABLE,
                              "cannot send CONNECT to " + url + ": " + Words.of(wf.cause()),
                              wf.cause()));
                    }
                  });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (e.isSuccess()) {
          SslHandler ssl = ctx.pipeline().get(SslHandler.class);
          tls = tlsInfo(ssl);
          sendConnect(ctx.channel());
        } else {
          boolean hasCert =
              config
                  .tls()
                  .map(t -> t.certFile().isPresent() || t.pkcs12File().isPresent())
                  .orElse(false);
          attemptFailed(this, Failures.handshakeFailed(e.cause(), url, hasCert));
        }
        return;
      }
      if (evt instanceof IdleStateEvent idle && accepted) {
        if (idle.state() == IdleState.WRITER_IDLE) {
          ctx.writeAndFlush(Pingreq.INSTANCE);
        } else if (idle.state() == IdleState.READER_IDLE) {
          lossCause =
              new MqttClientException(
                  FailureKind.TIMEOUT,
                  "no packet from " + url + " within 1.5 times the keep-alive",
                  null);
          ctx.close();
        }
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (connection != this) {
          return;
        }
        if (msg instanceof dev.mqttls.codec.MalformedPacket bad) {
          MqttClientException e =
              new MqttClientException(
                  FailureKind.PROTOCOL,
                  "the broker at " + url + " sent a malformed packet: " + bad,
                  bad.reason(),
                  null,
                  null);
          if (!accepted) {
            attemptFailed(this, e);
            return;
          }
          lossCause = e;
          if (config.version() == MqttVersion.V5) {
            ctx.writeAndFlush(
                    new Disconnect(
                        bad.reason().isAllowedIn(dev.mqttls.codec.PacketType.DISCONNECT)
                            ? bad.reason()
                            : ReasonCode.PROTOCOL_ERROR))
                .addListener(ChannelFutureListener.CLOSE);
          } else {
            ctx.close();
          }
          return;
        }
        if (!accepted) {
          if (msg instanceof Connack c) {
            connackReceived(this, c);
          } else {
            attemptFailed(
                this,
                new MqttClientException(
                    FailureKind.PROTOCOL,
                    "the broker at " + url + " sent " + describe(msg) + " before CONNACK",
                    null));
          }
          return;
        }
        if (msg instanceof Publish p) {
          publishReceived(ctx, p);
        } else if (msg instanceof Puback a) {
          OutgoingPublish op = inflight.remove(a.packetId());
          if (op != null) {
            complete(op, a.reasonCode(), a.properties());
            drainPending();
          }
        } else if (msg instanceof Pubrec r) {
          OutgoingPublish op = inflight.get(r.packetId());
          if (op == null) {
            ctx.writeAndFlush(
                new Pubrel(
                    r.packetId(), ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.EMPTY));
          } else if (r.reasonCode().isError()) {
            inflight.remove(r.packetId());
            complete(op, r.reasonCode(), r.properties());
            drainPending();
          } else {
            op.pubrecReceived = true;
            ctx.writeAndFlush(new Pubrel(r.packetId()));
          }
        } else if (msg instanceof Pubcomp c) {
          OutgoingPublish op = inflight.remove(c.packetId());
          if (op != null) {
            complete(op, ReasonCode.SUCCESS, c.properties());
            drainPending();
          }
        } else if (msg instanceof Pubrel r) {
          boolean known = incomingQos2.remove(r.packetId());
          ctx.writeAndFlush(
              known || config.version() != MqttVersion.V5
                  ? new Pubcomp(r.packetId())
                  : new Pubcomp(
                      r.packetId(), ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.EMPTY));
        } else if (msg instanceof Suback s) {
          subackReceived(s);
        } else if (msg instanceof Unsuback u) {
          unsubackReceived(u);
        } else if (msg instanceof Disconnect d) {
          String reason = d.properties().reasonString();
          lossCause =
              new MqttClientException(
                  FailureKind.CONNECTION_LOST,
                  "the broker at "
                      + url
                      + " disconnected us: "
                      + ReasonTexts.name(d.reasonCode())
                      + (reason != null ? " (" + reason + ")" : ""),
                  d.reasonCode(),
                  reason,
                  null);
          ctx.close();
        } else if (msg instanceof dev.mqttls.codec.Pingresp) {
          // the idle handler already counts it as traffic
        } else {
          lossCause =
              new MqttClientException(
                  FailureKind.PROTOCOL,
                  "the broker at "
                      + url
                      + " sent "
                      + describe(msg)
                      + ", which a client never receives",
                  null);
          if (config.version() == MqttVersion.V5) {
            ctx.writeAndFlush(new Disconnect(ReasonCode.PROTOCOL_ERROR))
                .addListener(ChannelFutureListener.CLOSE);
          } else {
            ctx.close();
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void publishReceived(ChannelHandlerContext ctx, Publish p) {
      switch (p.qos()) {
        case AT_MOST_ONCE:
          deliver(p);
          break;
        case AT_LEAST_ONCE:
          deliver(p);
          ctx.writeAndFlush(new Puback(p.packetId()));
          break;
        default:
          // Method A of MQTT 5 4.3.3: deliver on first receipt, drop resends until PUBREL.
          if (incomingQos2.add(p.packetId())) {
            deliver(p);
          }
          ctx.writeAndFlush(new Pubrec(p.packetId()));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      MqttClientException e;
      if (cause instanceof io.netty.handler.codec.DecoderException de
          && de.getCause() instanceof javax.net.ssl.SSLException) {
        e = Failures.handshakeFailed(de.getCause(), url, hasClientCertificate());
      } else if (!accepted && sslContext != null && tls == null) {
        e = Failures.handshakeFailed(cause, url, hasClientCertificate());
      } else if (cause instanceof java.io.IOException) {
        e =
            new MqttClientException(
                FailureKind.CONNECTION_LOST,
                "the connection to "
                    + url
                    + " failed: "
                    + Words.of(cause)
                    + (accepted || sslContext != null ? "" : PLAIN_HINT),
                cause);
      } else {
        e =
            new MqttClientException(
                FailureKind.PROTOCOL,
                "the connection to " + url + " failed: " + Words.of(cause),
                cause);
      }
      if (!accepted) {
        attemptFailed(this, e);
      } else {
        if (lossCause == null) {
          lossCause = e;
        }
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!accepted) {
        boolean hasCert =
            config
                .tls()
                .map(t -> t.certFile().isPresent() || t.pkcs12File().isPresent())
                .orElse(false);
        String hint =
            tls != null
                ? hasCert
                    ? " right after the TLS handshake: the broker may not trust our client certificate"
                    : " right after the TLS handshake: the broker may require a client certificate"
                        + " (--cert and --key)"
                : sslContext == null ? PLAIN_HINT : "";
        attemptFailed(
            this,
            new MqttClientException(
                tls != null ? FailureKind.CERTIFICATE : FailureKind.CONNECTION_LOST,
                "the broker at " + url + " closed the connection before CONNACK" + hint,
                null));
        return;
      }
      MqttClientException cause =
          lossCause != null
              ? lossCause
              : new MqttClientException(
                  FailureKind.CONNECTION_LOST,
                  "the broker at " + url + " closed the connection",
                  null);
      connectionLost(this, cause);
    }
  }

  private boolean hasClientCertificate() {
    return config
        .tls()
        .map(t -> t.certFile().isPresent() || t.pkcs12File().isPresent())
        .orElse(false);
  }

  private static String describe(Object msg) {
    return msg instanceof MqttPacket p ? p.type().name() : String.valueOf(msg);
  }

  private static TlsSessionInfo tlsInfo(SslHandler ssl) {
    if (ssl == null) {
      return null;
    }
    SSLSession s = ssl.engine().getSession();
    String subject = "";
    String issuer = "";
    Instant notAfter = Instant.EPOCH;
    try {
      Certificate[] peer = s.getPeerCertificates();
      if (peer.length > 0 && peer[0] instanceof X509Certificate x) {
        subject = x.getSubjectX500Principal().getName();
        issuer = x.getIssuerX500Principal().getName();
        notAfter = x.getNotAfter().toInstant();
      }
    } catch (SSLPeerUnverifiedException e) {
      // no certificate: only possible with anonymous suites, which are never enabled
    }
    return new TlsSessionInfo(
        s.getProtocol(),
        s.getCipherSuite(),
        Optional.ofNullable(ssl.applicationProtocol()),
        subject,
        issuer,
        notAfter);
  }
}
