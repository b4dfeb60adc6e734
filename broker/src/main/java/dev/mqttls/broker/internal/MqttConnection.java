package dev.mqttls.broker.internal;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.EncodedPublish;
import dev.mqttls.codec.MalformedPacket;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.PacketTooLargeException;
import dev.mqttls.codec.PacketType;
import dev.mqttls.codec.Pingresp;
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
import dev.mqttls.codec.Unsuback;
import dev.mqttls.codec.Unsubscribe;
import dev.mqttls.codec.Will;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT protocol state machine of one connection, server side. One instance per channel; every
 * method runs on the channel's event loop (Netty guarantees it for the handler callbacks; the
 * session calls the {@code send*} methods from the same loop, see {@link Session}).
 */
final class MqttConnection extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");
  private static final Logger SUBSCRIBE_LOG =
      LoggerFactory.getLogger("dev.mqttls.broker.subscribe");
  private static final Logger ACL_LOG = LoggerFactory.getLogger("dev.mqttls.broker.acl");
  private static final Logger UNSUBSCRIBE_LOG =
      LoggerFactory.getLogger("dev.mqttls.broker.unsubscribe");

  /** Seconds a new connection has to send CONNECT. */
  static final int CONNECT_TIMEOUT_SECONDS = 10;

  private enum Phase {
    AWAIT_CONNECT,
    CONNECTING,
    CONNECTED,
    CLOSING
  }

  private final BrokerState state;
  private final ConnectionTls tls;
  private final ConnectSniffer sniffer;
  private ChannelHandlerContext ctx;
  private Channel channel;
  private ReadGate gate;
  private String address = "?";
  private Phase phase = Phase.AWAIT_CONNECT;
  private final ArrayDeque<Object> heldInput = new ArrayDeque<>();
  private ScheduledFuture<?> connectTimeout;

  // Known after CONNECT.
  private MqttVersion version;
  private String clientId;
  private Session session;
  private Will will;
  private long sessionExpiry;
  private int sendQuota;
  private long clientMaximumPacketSize = Long.MAX_VALUE;
  private boolean problemInformation = true;
  private TopicAliases aliases = new TopicAliases(0);
  private String closeReason;
  private boolean publishWill = true;
  private ClientAcl acl = ClientAcl.ALLOW_ALL;
  private String username;

  /** Whether the line saying why this connection ends was already logged. */
  private boolean reasonLogged;

  private final Set<ReadGate> pausedPublishers = new HashSet<>();
  private final Set<ReadGate> queueHeld = new HashSet<>();

  MqttConnection(BrokerState state, ConnectionTls tls, ConnectSniffer sniffer) {
    this.state = state;
    this.tls = tls;
    this.sniffer = sniffer;
  }

  // ---- lifecycle

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
    this.gate = ReadGate.of(channel);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    address = format(channel.remoteAddress());
    int n = state.connectionOpened();
    int max = state.config().maxConnections();
    if (max > 0 && n > max) {
      LOG.warn("Refusing connection from {}: max_connections {} reached", address, max);
      phase = Phase.CLOSING;
      channel.close();
      return;
    }
    state.channels().add(channel);
    connectTimeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (phase == Phase.AWAIT_CONNECT) {
                    closeQuietly("no CONNECT within " + CONNECT_TIMEOUT_SECONDS + " seconds");
                  }
                },
                CONNECT_TIMEOUT_SECONDS,
                TimeUnit.SECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state.connectionClosed();
    if (connectTimeout != null) {
      connectTimeout.cancel(false);
    }
    for (Object o : heldInput) {
      ReferenceCountUtil.release(o);
    }
    heldInput.clear();
    resumePausedPublishers();
    releaseQueueHolds();
    if (session != null) {
      if (closeReason == null) {
        closeReason = "closed its connection";
      }
      if (!reasonLogged) {
        LOG.info("Client {} {}", clientId, closeReason);
      }
      if (will != null && publishWill) {
        scheduleWill();
      }
      Session s = session;
      session = null;
      s.detach(this);
    } else if (closeReason == null && phase != Phase.CLOSING) {
      LOG.debug("Connection from {} closed before CONNECT", address);
    }
    phase = Phase.CLOSING;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (phase == Phase.CONNECTED) {
        disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, "exceeded keep-alive timeout");
      }
      return;
    }
    if (tls != null && tls.onUserEvent(evt)) {
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    maybeResumePublishers();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof PacketTooLargeException) {
      return; // a PUBLISH over the client's Maximum Packet Size: discarded, as MQTT 5 says
    }
    if (phase != Phase.CLOSING) {
      String who = clientId != null ? "client " + clientId : "connection";
      reasonLogged = true;
      if (cause instanceof java.io.IOException) {
        closeReason = "disconnected: socket error: " + describe(cause);
        LOG.info("Socket error on {} from {}: {}, disconnecting", who, address, describe(cause));
      } else {
        // Not the peer's doing: a bug or a broken installation, worth its stack trace.
        closeReason = "disconnected: internal error: " + describe(cause);
        LOG.error("Internal error on {} from {}, disconnecting", who, address, cause);
      }
      phase = Phase.CLOSING;
    }
    ctx.close();
  }

  // ---- input

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (phase == Phase.CLOSING) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (phase == Phase.CONNECTING) {
      // The session is being handed over from another loop; keep order and stop reading.
      heldInput.add(msg);
      return;
    }
    try {
      handle(msg);
    } catch (RuntimeException e) {
      // handle() owns msg and has released it or handed it on; a leak here beats a double free
      LOG.error("Internal error on client {} from {}", clientId, address, e);
      disconnect(ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, "internal error: " + describe(e));
    }
  }

  private void handle(Object msg) {
    if (msg instanceof MalformedPacket bad) {
      protocolFailure(bad.reason(), bad.toString());
      return;
    }
    if (!(msg instanceof MqttPacket packet)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (phase == Phase.AWAIT_CONNECT) {
      if (packet.type() != PacketType.CONNECT) {
        ReferenceCountUtil.release(msg);
        protocolFailure(
            ReasonCode.PROTOCOL_ERROR, "first packet is " + packet.type() + ", not CONNECT");
        return;
      }
      onConnect((Connect) packet);
      return;
    }
    switch (packet.type()) {
      case PUBLISH -> onPublish((Publish) packet);
      case PUBACK -> onPuback((Puback) packet);
      case PUBREC -> onPubrec((Pubrec) packet);
      case PUBREL -> onPubrel((Pubrel) packet);
      case PUBCOMP -> onPubcomp((Pubcomp) packet);
      case SUBSCRIBE -> onSubscribe((Subscribe) packet);
      case UNSUBSCRIBE -> onUnsubscribe((Unsubscribe) packet);
      case PINGREQ -> ctx.writeAndFlush(Pingresp.INSTANCE, ctx.voidPromise());
      case DISCONNECT -> onDisconnect((Disconnect) packet);
      case CONNECT -> protocolFailure(ReasonCode.PROTOCOL_ERROR, "second CONNECT");
      case AUTH ->
          protocolFailure(ReasonCode.PROTOCOL_ERROR, "AUTH without an authentication method");
      default ->
          protocolFailure(ReasonCode.PROTOCOL_ERROR, packet.type() + " is not sent by clients");
    }
  }

  // ---- CONNECT

  private void onConnect(Connect c) {
    if (connectTimeout != null) {
      connectTimeout.cancel(false);
    }
    version = c.version();
    ctx.pipeline().get(MqttEncoder.class).setVersion(version);
    MqttProperties props = c.properties();
    String id = c.clientId();
    boolean v5 = version.isV5();

    String identity = tls == null ? null : tls.identity();
    if (tls != null) {
      ReasonCode refused = tls.checkClientId(id);
      if (refused != null) {
        refuse(
            id, refused, "client id '" + id + "' does not match certificate identity " + identity);
        return;
      }
    }
    if (id.isEmpty()) {
      if (!state.config().allowZeroLengthClientId()) {
        refuse(id, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client id not allowed");
        return;
      }
      if (version == MqttVersion.V3_1) {
        refuse(id, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client id in MQTT 3.1");
        return;
      }
      if (!v5 && !c.cleanStart()) {
        refuse(
            id,
            ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "empty client id with clean session 0 (MQTT 3.1.1 section 3.1.3.1)");
        return;
      }
    }
    if (props.authenticationMethod() != null) {
      refuse(
          id,
          ReasonCode.BAD_AUTHENTICATION_METHOD,
          "authentication method '" + props.authenticationMethod() + "' not supported");
      return;
    }
    String username = c.username();
    if (tls != null && tls.identityIsUsername()) {
      // The certificate names the user; like Mosquitto, the password file is not consulted.
      username = tls.usernameFromIdentity();
      if (username == null) {
        // As Mosquitto 2.0: without a certificate there is no user, whatever allow_anonymous says
        // (the CONNECT's own user name is never taken instead, it would let anyone claim one).
        refuse(
            id,
            ReasonCode.BAD_USER_NAME_OR_PASSWORD,
            "no client certificate to take the user name from (use_identity_as_username);"
                + " connect with a certificate or set require_certificate true");
        return;
      }
    } else if (!authenticate(id, username, c.password())) {
      return;
    }
    int keepAlive = c.keepAlive();
    Integer serverKeepAlive = null;
    int maxKeepalive = state.config().maxKeepalive();
    if (maxKeepalive > 0 && keepAlive > maxKeepalive) {
      if (!v5) {
        refuse(
            id,
            ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "keep-alive " + keepAlive + " s exceeds max_keepalive " + maxKeepalive);
        return;
      }
      keepAlive = maxKeepalive;
      serverKeepAlive = keepAlive;
    }

    String assigned = null;
    if (id.isEmpty()) {
      id = state.assignClientId();
      assigned = v5 ? id : null;
    }
    clientId = id;
    this.username = username;
    acl = state.access().aclFor(username, id);
    will = c.will();
    if (will != null && !acl.canWrite(Topics.levels(will.topic().value()))) {
      refuse(
          id,
          ReasonCode.NOT_AUTHORIZED,
          "no write access to will topic '" + will.topic().value() + "' (acl_file)");
      return;
    }
    if (will != null && will.retain() && !state.config().retainAvailable()) {
      refuse(id, ReasonCode.RETAIN_NOT_SUPPORTED, "retained will but retain_available false");
      return;
    }
    if (v5) {
      Long sei = props.sessionExpiryInterval();
      sessionExpiry = sei == null ? 0 : sei;
      Integer rm = props.receiveMaximum();
      sendQuota = Math.min(state.config().maxInflightMessages(), rm == null ? 65535 : rm);
      Integer tam = props.topicAliasMaximum();
      aliases = new TopicAliases(tam == null ? 0 : tam);
      Long mps = props.maximumPacketSize();
      if (mps != null) {
        clientMaximumPacketSize = mps;
        ctx.pipeline().get(MqttEncoder.class).setMaximumPacketSize(mps);
      }
      problemInformation = !Boolean.FALSE.equals(props.requestProblemInformation());
    } else {
      sessionExpiry = c.cleanStart() ? 0 : Session.NEVER_EXPIRES;
      sendQuota = state.config().maxInflightMessages();
    }
    if (keepAlive > 0) {
      long timeoutMs = keepAlive * 1500L;
      ctx.pipeline()
          .addBefore(
              ctx.name(),
              "keepalive",
              new IdleStateHandler(timeoutMs, 0, 0, TimeUnit.MILLISECONDS));
    }

    phase = Phase.CONNECTING;
    gate.hold();
    final String connectedId = id;
    final String assignedId = assigned;
    final Integer ska = serverKeepAlive;
    final int ka = keepAlive;
    final boolean cleanStart = c.cleanStart();
    final String user = username;
    takeSession(
        connectedId,
        cleanStart,
        (s, present) -> connected(s, present, cleanStart, assignedId, ska, ka, user));
  }

  /**
   * Checks a CONNECT's user name and password against {@code allow_anonymous} and the password
   * file; refuses and returns false when they do not pass. The password is never logged.
   */
  private boolean authenticate(String id, String username, byte[] password) {
    boolean anonymousOk = state.config().allowAnonymous();
    PasswordFile passwords = state.access().passwords();
    if (username == null) {
      if (!anonymousOk) {
        refuse(
            id,
            ReasonCode.NOT_AUTHORIZED,
            "anonymous clients are not allowed (allow_anonymous false); send a user name");
        return false;
      }
      return true;
    }
    if (passwords == null) {
      if (!anonymousOk) {
        refuse(
            id,
            ReasonCode.BAD_USER_NAME_OR_PASSWORD,
            "no password_file configured to check user '" + username + "'");
        return false;
      }
      return true;
    }
    switch (passwords.check(username, password)) {
      case ACCEPTED -> {
        return true;
      }
      case UNKNOWN_USER -> {
        refuse(
            id,
            ReasonCode.BAD_USER_NAME_OR_PASSWORD,
            "unknown user '" + username + "' (not in password_file " + passwords.file() + ")");
        return false;
      }
      default -> {
        refuse(
            id,
            ReasonCode.BAD_USER_NAME_OR_PASSWORD,
            password == null
                ? "no password given for user '" + username + "'"
                : "wrong password for user '" + username + "'");
        return false;
      }
    }
  }

  private interface SessionReady {
    void ready(Session s, boolean present);
  }

  /**
   * Claims the session of {@code id}: closes another connection holding it (takeover), applies
   * Clean Start, moves the session onto this channel's loop, then calls {@code ready} there.
   */
  private void takeSession(String id, boolean cleanStart, SessionReady ready) {
    Session s = state.sessions().getOrCreate(id, k -> new Session(k, state, ctx.executor()));
    s.run(() -> claim(s, id, cleanStart, ready));
  }

  /** Runs on the session's executor. */
  private void claim(Session s, String id, boolean cleanStart, SessionReady ready) {
    if (s.ended()) {
      ctx.executor().execute(() -> takeSession(id, cleanStart, ready));
      return;
    }
    if (s.claimPending()) {
      // Another connection is between its claim and its CONNACK: let it finish, then take the
      // session over from it like from any connected client (it gets Session Taken Over).
      s.waitForClaim(() -> claim(s, id, cleanStart, ready));
      return;
    }
    MqttConnection old = s.connection();
    if (old != null) {
      s.detachForTakeover();
      old.takenOver();
    }
    if (cleanStart) {
      s.clear();
    }
    boolean present = s.everAttached();
    s.claim();
    s.moveTo(ctx.executor());
    ctx.executor().execute(() -> ready.ready(s, present));
  }

  private void connected(
      Session s,
      boolean present,
      boolean cleanStart,
      String assigned,
      Integer serverKeepAlive,
      int keepAlive,
      String username) {
    if (phase != Phase.CONNECTING || !channel.isActive()) {
      // Closed while the session was being handed over: leave it as a detached session.
      phase = Phase.CLOSING;
      // We run on the session's executor (it was moved here for us).
      if (s.connection() == null) {
        s.setExpiryInterval(sessionExpiry);
        s.attach(this, sessionExpiry);
        s.detach(this);
      }
      s.claimDone();
      return;
    }
    session = s;
    // Resolved again: a reload (SIGHUP) may have come between CONNECT and now.
    acl = state.access().aclFor(this.username, clientId);
    s.setAccess(this.username, acl);
    phase = Phase.CONNECTED;
    boolean v5 = version.isV5();
    MqttProperties props = MqttProperties.EMPTY;
    if (v5) {
      MqttProperties.Builder b = MqttProperties.builder();
      if (assigned != null) {
        b.assignedClientIdentifier(assigned);
      }
      if (serverKeepAlive != null) {
        b.serverKeepAlive(serverKeepAlive);
      }
      b.receiveMaximum(state.config().maxInflightMessages());
      b.topicAliasMaximum(TopicAliases.INBOUND_MAXIMUM);
      b.maximumPacketSize((long) state.config().maxPacketSize());
      if (!state.config().retainAvailable()) {
        b.retainAvailable(false);
      }
      props = b.build();
    }
    ctx.write(new Connack(present, ReasonCode.SUCCESS, props), ctx.voidPromise());
    String identity = tls == null ? null : tls.identity();
    LOG.info(
        "New client connected from {} as {} (p{}, c{}, k{}{}{})",
        address,
        clientId,
        protocolNumber(version),
        cleanStart ? 1 : 0,
        keepAlive,
        username == null ? "" : ", u'" + username + "'",
        identity == null ? "" : ", cert '" + identity + "'");
    s.attach(this, sessionExpiry);
    ctx.flush();
    while (!heldInput.isEmpty() && phase == Phase.CONNECTED) {
      channelRead(ctx, heldInput.poll());
    }
    gate.release();
    // Last: a waiting claim for the same client id may take the session over from us right now.
    s.claimDone();
  }

  private static int protocolNumber(MqttVersion v) {
    // mosquitto's numbering in its log lines: p1 = 3.1, p2 = 3.1.1, p5 = 5.0
    return switch (v) {
      case V3_1 -> 1;
      case V3_1_1 -> 2;
      case V5 -> 5;
    };
  }

  /** The broker is stopping: tell MQTT 5 clients why (Server shutting down), then close. */
  void serverShutdown() {
    if (phase == Phase.CONNECTED) {
      disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "server shutting down");
    } else if (phase != Phase.CLOSING) {
      phase = Phase.CLOSING;
      channel.close();
    }
  }

  /** Another connection claimed our client id. */
  void takenOver() {
    if (phase == Phase.CLOSING) {
      return;
    }
    closeReason = "session taken over by a new connection";
    Long delay = will == null ? null : will.properties().willDelayInterval();
    if (delay != null && delay > 0) {
      // The session continues on the new connection, so a delayed will is never due.
      publishWill = false;
    }
    if (will != null && publishWill) {
      publishWillNow();
      will = null;
    }
    Session s = session;
    session = null;
    LOG.info("Client {} already connected, closing old connection from {}", clientId, address);
    closeReason = null;
    if (version.isV5()) {
      ctx.writeAndFlush(new Disconnect(ReasonCode.SESSION_TAKEN_OVER, MqttProperties.EMPTY))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
    phase = Phase.CLOSING;
    if (s != null) {
      resumePausedPublishers();
      releaseQueueHolds();
    }
  }

  private void refuse(String id, ReasonCode reason, String cause) {
    LOG.info(
        "Client {} from {} refused: {} ({})",
        id.isEmpty() ? "<no id>" : id,
        address,
        cause,
        reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    sendRefusal(reason, cause);
  }

  private void sendRefusal(ReasonCode reason, String cause) {
    phase = Phase.CLOSING;
    channel.config().setAutoRead(false);
    Object answer = null;
    if (version != null && version.isV5()) {
      ReasonCode r = reason.isAllowedIn(PacketType.CONNACK) ? reason : ReasonCode.UNSPECIFIED_ERROR;
      answer = new Connack(false, r, MqttProperties.builder().reasonString(cause).build());
    } else if (version != null && reason.v3ConnackCode() > 0) {
      answer = new Connack(false, reason, MqttProperties.EMPTY);
    }
    if (answer == null) {
      channel.close();
    } else {
      ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }
  }

  // ---- the one place where protocol violations become outcomes

  /**
   * A peer error: logs one line (client id, address, cause) and answers as the protocol version
   * demands — before CONNACK a refusing CONNACK (or just closing, in 3.1.1 when it has no code),
   * after it a DISCONNECT with the reason (MQTT 5) or closing (3.1.1) — then closes.
   */
  void protocolFailure(ReasonCode reason, String cause) {
    if (phase == Phase.CLOSING) {
      return;
    }
    LOG.info(
        "Client {} from {} disconnected: protocol violation: {}",
        clientId == null ? "<unknown>" : clientId,
        address,
        cause);
    if (phase == Phase.AWAIT_CONNECT || phase == Phase.CONNECTING) {
      if (version == null
          && reason == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION
          && sniffer.level() != 5) {
        // Not MQTT 5 and not a version we know: answer as 3.1.1 does (CONNACK code 1), which
        // every client can read. A level-5 CONNECT gets an MQTT 5 CONNACK 0x84 below.
        phase = Phase.CLOSING;
        channel.config().setAutoRead(false);
        ctx.pipeline().get(MqttEncoder.class).setVersion(MqttVersion.V3_1_1);
        ctx.writeAndFlush(new Connack(false, reason, MqttProperties.EMPTY))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (version == null && sniffer.level() == 5) {
        version = MqttVersion.V5;
        ctx.pipeline().get(MqttEncoder.class).setVersion(MqttVersion.V5);
      } else if (version == null && sniffer.level() == 4) {
        version = MqttVersion.V3_1_1;
      } else if (version == null && sniffer.level() == 3) {
        version = MqttVersion.V3_1;
      }
      sendRefusal(reason, cause);
      return;
    }
    closeReason = "disconnected: protocol violation: " + cause;
    reasonLogged = true;
    sendDisconnect(reason, cause);
  }

  /** Server-initiated DISCONNECT (MQTT 5) or close (3.1.1) for a reason that is not a violation. */
  private void disconnect(ReasonCode reason, String cause) {
    if (phase == Phase.CLOSING) {
      return;
    }
    closeReason = "disconnected: " + cause;
    sendDisconnect(reason, cause);
  }

  private void sendDisconnect(ReasonCode reason, String cause) {
    phase = Phase.CLOSING;
    channel.config().setAutoRead(false);
    if (version != null && version.isV5()) {
      ReasonCode r = reason.isAllowedIn(PacketType.DISCONNECT) ? reason : ReasonCode.PROTOCOL_ERROR;
      MqttProperties props =
          problemInformation
              ? MqttProperties.builder().reasonString(cause).build()
              : MqttProperties.EMPTY;
      ctx.writeAndFlush(new Disconnect(r, props)).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  private void closeQuietly(String why) {
    if (phase == Phase.CLOSING) {
      return;
    }
    LOG.info("Connection from {} closed: {}", address, why);
    phase = Phase.CLOSING;
    channel.close();
  }

  // ---- PUBLISH from the client

  private void onPublish(Publish p) {
    boolean v5 = version.isV5();
    Integer alias = p.properties().topicAlias();
    String topic = p.topic();
    if (alias != null) {
      if (!TopicAliases.inboundInRange(alias)) {
        p.release();
        protocolFailure(
            ReasonCode.TOPIC_ALIAS_INVALID,
            "topic alias " + alias + " outside 1.." + TopicAliases.INBOUND_MAXIMUM);
        return;
      }
      topic = aliases.inbound(alias, topic);
      if (topic == null) {
        p.release();
        protocolFailure(ReasonCode.PROTOCOL_ERROR, "unknown topic alias " + alias);
        return;
      }
      p =
          new Publish(
              p.dup(),
              p.qos(),
              p.retainFlag(),
              topic,
              p.packetId(),
              p.properties().toBuilder().topicAlias(null).build(),
              p.payload());
    }
    // The session's, not a field: a reload (SIGHUP) replaces it for connected clients too.
    ClientAcl acl = session.acl();
    if (!acl.allowsAll() && !acl.canWrite(Topics.levels(topic))) {
      // At debug: a device publishing where it may not would flood the log at info.
      ACL_LOG.debug(
          "Denied PUBLISH from {} ({}) to {}: no write access (acl_file)",
          clientId,
          address,
          topic);
      int deniedQos = p.qos().code();
      int deniedId = p.packetId();
      p.release();
      if (v5) {
        ack(deniedQos, deniedId, ReasonCode.NOT_AUTHORIZED);
      } else {
        if (deniedQos == 2) {
          // 3.1.1 has no refusal: the flow completes as if delivered, so the PUBREL is known.
          session.receivedQos2(deniedId);
        }
        ack(deniedQos, deniedId, ReasonCode.SUCCESS);
      }
      return;
    }
    if (p.retainFlag() && !state.config().retainAvailable()) {
      p.release();
      protocolFailure(
          ReasonCode.RETAIN_NOT_SUPPORTED, "retained PUBLISH but retain_available false");
      return;
    }
    int qos = p.qos().code();
    int packetId = p.packetId();
    int limit = state.config().messageSizeLimit();
    if (limit > 0 && p.payload().readableBytes() > limit) {
      LOG.info(
          "Client {} from {}: dropped PUBLISH to {} of {} bytes (message_size_limit {})",
          clientId,
          address,
          topic,
          p.payload().readableBytes(),
          limit);
      p.release();
      ack(qos, packetId, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
      return;
    }
    if (v5
        && Integer.valueOf(1).equals(p.properties().payloadFormatIndicator())
        && !p.payloadIsValidUtf8()) {
      p.release();
      if (qos == 0) {
        protocolFailure(
            ReasonCode.PAYLOAD_FORMAT_INVALID, "payload marked UTF-8 is not valid UTF-8");
      } else {
        LOG.info(
            "Client {} from {}: refused PUBLISH to {}: payload marked UTF-8 is not valid UTF-8",
            clientId,
            address,
            topic);
        ack(qos, packetId, ReasonCode.PAYLOAD_FORMAT_INVALID);
      }
      return;
    }
    if (qos == 2) {
      if (!session.receivedQos2(packetId)) {
        // A resend of a QoS 2 message we already routed (method A, MQTT 5 figure 4.3).
        p.release();
        ctx.write(pubrec(packetId, ReasonCode.SUCCESS), ctx.voidPromise());
        return;
      }
      if (session.pendingQos2() > state.config().maxInflightMessages()) {
        session.released(packetId);
        p.release();
        protocolFailure(
            ReasonCode.RECEIVE_MAXIMUM_EXCEEDED,
            "more than " + state.config().maxInflightMessages() + " QoS 2 messages unreleased");
        return;
      }
    }
    Message m = Message.of(p, clientId, gate);
    int matched;
    try {
      matched = state.publish(m);
    } finally {
      m.release();
    }
    ack(qos, packetId, matched == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS);
  }

  private void ack(int qos, int packetId, ReasonCode reason) {
    if (qos == 1) {
      ctx.write(
          new Puback(packetId, version.isV5() ? reason : ReasonCode.SUCCESS, MqttProperties.EMPTY),
          ctx.voidPromise());
    } else if (qos == 2) {
      if (reason.isError()) {
        session.released(packetId);
      }
      ctx.write(pubrec(packetId, reason), ctx.voidPromise());
    }
  }

  private Pubrec pubrec(int packetId, ReasonCode reason) {
    return new Pubrec(packetId, version.isV5() ? reason : ReasonCode.SUCCESS, MqttProperties.EMPTY);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  // ---- acknowledgements from the client

  private void onPuback(Puback a) {
    if (!session.acked(a.packetId())) {
      LOG.debug("Client {} sent PUBACK for unknown packet id {}", clientId, a.packetId());
    }
  }

  private void onPubrec(Pubrec r) {
    boolean known = session.received(r.packetId(), r.reasonCode().isError());
    if (r.reasonCode().isError()) {
      return;
    }
    ReasonCode reason =
        known || !version.isV5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    ctx.write(new Pubrel(r.packetId(), reason, MqttProperties.EMPTY), ctx.voidPromise());
  }

  private void onPubrel(Pubrel r) {
    boolean known = session.released(r.packetId());
    ReasonCode reason =
        known || !version.isV5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_IDENTIFIER_NOT_FOUND;
    if (!known) {
      LOG.info(
          "Client {} from {} sent PUBREL for unknown packet id {}",
          clientId,
          address,
          r.packetId());
    }
    ctx.write(new Pubcomp(r.packetId(), reason, MqttProperties.EMPTY), ctx.voidPromise());
  }

  private void onPubcomp(Pubcomp c) {
    session.completed(c.packetId());
  }

  // ---- SUBSCRIBE / UNSUBSCRIBE

  private void onSubscribe(Subscribe sub) {
    List<Integer> ids = sub.properties().subscriptionIdentifiers();
    int subscriptionId = ids.isEmpty() ? 0 : ids.get(0);
    List<ReasonCode> codes = new ArrayList<>(sub.subscriptions().size());
    List<ClientSubscription> sendRetained = new ArrayList<>();
    ClientAcl acl = session.acl();
    boolean subscribed = false;
    for (Subscription s : sub.subscriptions()) {
      TopicFilter f = s.filter();
      if (!acl.allowsAll() && !acl.canSubscribe(Topics.levels(f.filter()))) {
        ACL_LOG.debug(
            "Denied SUBSCRIBE from {} ({}) to {}: no read access (acl_file)",
            clientId,
            address,
            f.value());
        codes.add(ReasonCode.NOT_AUTHORIZED);
        continue;
      }
      ClientSubscription cs =
          new ClientSubscription(
              clientId,
              f.filter(),
              f.shareGroup(),
              s.maxQos().code(),
              s.noLocal(),
              s.retainAsPublished(),
              s.retainHandling(),
              subscriptionId);
      boolean existed = session.subscribe(cs);
      subscribed = true;
      codes.add(ReasonCode.granted(s.maxQos()));
      SUBSCRIBE_LOG.info("{} {} {}", clientId, s.maxQos().code(), f.value());
      if (f.shareGroup() == null
          && state.config().retainAvailable()
          && (s.retainHandling() == 0 || (s.retainHandling() == 1 && !existed))) {
        sendRetained.add(cs);
      }
    }
    if (subscribed) {
      session.subscriptionsChanged();
    }
    ctx.write(new Suback(sub.packetId(), codes, MqttProperties.EMPTY), ctx.voidPromise());
    for (ClientSubscription cs : sendRetained) {
      List<Integer> subIds = cs.subscriptionIds();
      state
          .retained()
          .forEachMatching(
              cs.filter(),
              m -> {
                if (acl.allowsAll() || acl.canRead(Topics.levels(m.publish().topic()))) {
                  int qos = Math.min(m.publish().qos().code(), cs.qos());
                  long seq = state.persist(session, m, qos, true, subIds);
                  session.offer(m, qos, true, subIds, seq);
                }
              });
    }
  }

  private void onUnsubscribe(Unsubscribe u) {
    List<ReasonCode> codes = new ArrayList<>(u.filters().size());
    boolean unsubscribed = false;
    for (TopicFilter f : u.filters()) {
      boolean existed = session.unsubscribe(f.value());
      unsubscribed |= existed;
      codes.add(existed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
      UNSUBSCRIBE_LOG.info("{} {}", clientId, f.value());
    }
    if (unsubscribed) {
      session.subscriptionsChanged();
    }
    ctx.write(new Unsuback(u.packetId(), codes, MqttProperties.EMPTY), ctx.voidPromise());
  }

  // ---- DISCONNECT from the client

  private void onDisconnect(Disconnect d) {
    Long sei = d.properties().sessionExpiryInterval();
    if (sei != null) {
      if (sessionExpiry == 0 && sei != 0) {
        protocolFailure(
            ReasonCode.PROTOCOL_ERROR,
            "DISCONNECT sets a session expiry after CONNECT set 0 (MQTT 5 section 3.14.2.2.2)");
        return;
      }
      sessionExpiry = sei;
      session.setExpiryInterval(sei);
    }
    ReasonCode r = d.reasonCode();
    publishWill = r != ReasonCode.NORMAL_DISCONNECTION;
    closeReason =
        r == ReasonCode.NORMAL_DISCONNECTION
            ? "disconnected"
            : "disconnected with reason " + r.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    if (!version.isV5() || r == ReasonCode.NORMAL_DISCONNECTION) {
      closeReason = "disconnected";
    }
    phase = Phase.CLOSING;
    channel.close();
  }

  // ---- will

  private void scheduleWill() {
    Long delay = will.properties().willDelayInterval();
    long seconds = delay == null ? 0 : Math.min(delay, sessionExpiry);
    if (seconds <= 0) {
      publishWillNow();
      return;
    }
    Session s = session;
    long generation = s.generation();
    Will w = will;
    ctx.executor()
        .schedule(
            () ->
                s.run(
                    () -> {
                      if (s.generation() == generation && !s.isOnline() && !s.claimPending()) {
                        publishWill(w);
                      }
                    }),
            seconds,
            TimeUnit.SECONDS);
  }

  private void publishWillNow() {
    publishWill(will);
  }

  private void publishWill(Will w) {
    MqttProperties wp = w.properties();
    MqttProperties props =
        wp.isEmpty() ? MqttProperties.EMPTY : wp.toBuilder().willDelayInterval(null).build();
    Publish p =
        new Publish(
            false,
            w.qos(),
            w.retain(),
            w.topic().value(),
            w.qos() == Qos.AT_MOST_ONCE ? 0 : 1,
            props,
            Unpooled.wrappedBuffer(w.payload()));
    Message m = Message.of(p, clientId, null);
    try {
      state.publish(m);
    } finally {
      m.release();
    }
  }

  // ---- output, called by the session on this loop

  /** How many QoS 1/2 messages may be in flight to this client. */
  int sendQuota() {
    return sendQuota;
  }

  /** Sends one PUBLISH; takes ownership of {@code m}'s reference. */
  void sendPublish(
      Message m, int qos, boolean retain, List<Integer> ids, int packetId, boolean dup) {
    try {
      if (phase != Phase.CONNECTED || !channel.isActive()) {
        return;
      }
      boolean v5 = version.isV5();
      Publish p = m.publish();
      String topic = p.topic();
      int alias = aliases.outboundKnown(topic);
      boolean omit = alias != 0;
      boolean newAlias = false;
      if (!omit) {
        alias = aliases.outboundFree();
        newAlias = alias != 0;
      }
      List<Integer> subIds = v5 ? ids : List.of();
      Qos q = Qos.of(qos);
      if (v5 && m.hasExpiry()) {
        // The Message Expiry Interval sent is what is left of it (MQTT 5 section 3.3.2.3.3).
        MqttProperties props =
            p.properties().toBuilder()
                .messageExpiryInterval(m.remainingSeconds(System.nanoTime()))
                .subscriptionIdentifiers(subIds)
                .topicAlias(alias == 0 ? null : alias)
                .build();
        Publish out =
            new Publish(
                dup,
                q,
                retain,
                omit ? "" : topic,
                packetId,
                props,
                p.payload().retainedDuplicate());
        if (MqttEncoder.encodedSize(out, version) > clientMaximumPacketSize) {
          // Larger than the client accepts: discarded as if sent (MQTT 5 section 3.1.2.25).
          out.release();
          if (packetId != 0) {
            session.discardInFlight(packetId);
          }
          return;
        }
        if (newAlias) {
          aliases.outboundSent(topic, alias);
        }
        ctx.writeAndFlush(out, ctx.voidPromise());
      } else {
        EncodedPublish enc = m.encoded(version);
        if (v5 && enc.encodedSize(q, alias, omit, subIds) > clientMaximumPacketSize) {
          // Larger than the client accepts: discarded as if sent (MQTT 5 section 3.1.2.25).
          if (packetId != 0) {
            session.discardInFlight(packetId);
          }
          return;
        }
        if (newAlias) {
          aliases.outboundSent(topic, alias);
        }
        ctx.writeAndFlush(
            enc.delivery(q, packetId, dup, retain, alias, omit, subIds), ctx.voidPromise());
      }
      if (!channel.isWritable()) {
        pausePublisher(m.originGate());
      }
    } finally {
      m.release();
    }
  }

  void sendPubrel(int packetId) {
    if (phase == Phase.CONNECTED) {
      ctx.writeAndFlush(
          new Pubrel(packetId, ReasonCode.SUCCESS, MqttProperties.EMPTY), ctx.voidPromise());
    }
  }

  // ---- back-pressure

  /** How long a publisher is held for a full queue before it is read again regardless. */
  static final long QUEUE_HOLD_MILLIS = 50;

  /**
   * This subscriber's socket is full (the client reads slowly): stop reading the publisher until it
   * drains, instead of buffering without bound. Such a hold ends only when the client reads, which
   * does not depend on the broker reading anyone, so holds of this kind cannot form a cycle.
   */
  void pausePublisher(ReadGate g) {
    if (g == null || g == gate || !g.channel().isActive()) {
      return;
    }
    if (pausedPublishers.add(g)) {
      g.hold();
    }
  }

  /**
   * This subscriber's queue is past its high-water mark (its in-flight window is full): hold the
   * publisher back. A held connection's acknowledgements are not read either, so two clients
   * publishing to each other could hold each other forever; a queue hold therefore lapses after
   * {@link #QUEUE_HOLD_MILLIS} and is taken again on the next message if still needed, which turns
   * such a cycle into a slow-down instead of a standstill.
   */
  void holdPublisherForQueue(ReadGate g) {
    if (g == null || g == gate || !g.channel().isActive()) {
      return;
    }
    if (queueHeld.add(g)) {
      g.hold();
      ctx.executor()
          .schedule(
              () -> {
                if (queueHeld.remove(g)) {
                  g.release();
                }
              },
              QUEUE_HOLD_MILLIS,
              TimeUnit.MILLISECONDS);
    }
  }

  /** Lets held publishers read again once this subscriber has caught up. */
  void maybeResumePublishers() {
    if (!pausedPublishers.isEmpty() && channel.isWritable()) {
      resumePausedPublishers();
    }
    if (!queueHeld.isEmpty() && (session == null || session.queuedCount() <= session.lowWater())) {
      releaseQueueHolds();
    }
  }

  private void resumePausedPublishers() {
    for (ReadGate g : pausedPublishers) {
      g.release();
    }
    pausedPublishers.clear();
  }

  private void releaseQueueHolds() {
    for (ReadGate g : queueHeld) {
      g.release();
    }
    queueHeld.clear();
  }

  // ---- helpers

  private static String format(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      return i.getAddress().getHostAddress() + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }
}
