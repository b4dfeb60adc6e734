package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.internal.connection.ConnectionState.Phase;
import dev.mqttls.broker.internal.routing.Topics;
import dev.mqttls.broker.internal.security.AccessControl;
import dev.mqttls.broker.internal.security.ClientAcl;
import dev.mqttls.broker.internal.security.PasswordFile;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.broker.internal.session.SessionRegistry.Claim;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Will;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CONNECT: validation, authentication (certificate identity, password file, allow_anonymous), the
 * limits both sides announce, the claim of the session (takeover), and the CONNACK. Every refusal
 * goes through the {@link Disconnector}; what the client is told names no user, path or directive.
 */
final class ConnectFlow {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /** What a client is told when its user name or password is not accepted: the code alone. */
  private static final String NOT_TOLD = null;

  /** Called on the channel's loop once the session is attached and the CONNACK written. */
  interface Attached {
    void attached();
  }

  private final ConnectionState c;
  private final Disconnector disconnector;
  private final KeepAlive keepAlive;
  private final WillFlow will;
  private final OutboundWriter writer;
  private final Attached attached;

  ConnectFlow(
      ConnectionState c,
      Disconnector disconnector,
      KeepAlive keepAlive,
      WillFlow will,
      OutboundWriter writer,
      Attached attached) {
    this.c = c;
    this.disconnector = disconnector;
    this.keepAlive = keepAlive;
    this.will = will;
    this.writer = writer;
    this.attached = attached;
  }

  void onConnect(Connect connect) {
    c.version = connect.version();
    c.encoder().setVersion(c.version);
    MqttProperties props = connect.properties();
    String id = connect.clientId();
    boolean v5 = c.version.isV5();
    BrokerConfig config = c.broker.config();
    ConnectionTls tls = c.tls;
    // per_listener_settings true: this listener's files and flags; else the broker's.
    AccessControl access = c.broker.access().current().forListener(c.listener);

    if (tls != null) {
      ReasonCode refused = tls.checkClientId(id);
      if (refused != null) {
        disconnector.refuse(
            id,
            refused,
            "client id '" + id + "' does not match certificate identity " + tls.identity(),
            "client id does not match the client certificate");
        return;
      }
    }
    if (id.isEmpty()) {
      if (!access.allowZeroLengthClientId(config)) {
        disconnector.refuse(
            id,
            ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "empty client id not allowed (allow_zero_length_clientid false)",
            "empty client id not allowed");
        return;
      }
      if (c.version == MqttVersion.V3_1) {
        disconnector.refuse(
            id, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "empty client id in MQTT 3.1", null);
        return;
      }
      if (!v5 && !connect.cleanStart()) {
        disconnector.refuse(
            id,
            ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "empty client id with clean session 0 (MQTT 3.1.1 section 3.1.3.1)",
            null);
        return;
      }
    }
    if (props.authenticationMethod() != null) {
      disconnector.refuse(
          id,
          ReasonCode.BAD_AUTHENTICATION_METHOD,
          "authentication method '" + props.authenticationMethod() + "' not supported",
          "authentication method not supported");
      return;
    }
    String username = connect.username();
    if (c.inProcess) {
      // A part of this broker (bridge, $SYS, provisioning, dashboard): trusted as it says.
      if (username == null) {
        username = AccessControl.BROKER_IDENTITY;
      }
    } else if (tls != null && tls.identityIsUsername()) {
      // The certificate names the user; like Mosquitto, the password file is not consulted.
      username = tls.usernameFromIdentity();
      if (username == null) {
        // As Mosquitto 2.0: without a certificate there is no user, whatever allow_anonymous says
        // (the CONNECT's own user name is never taken instead, it would let anyone claim one).
        disconnector.refuse(
            id,
            ReasonCode.BAD_USER_NAME_OR_PASSWORD,
            "no client certificate to take the user name from (use_identity_as_username);"
                + " connect with a certificate or set require_certificate true",
            NOT_TOLD);
        return;
      }
    } else if (!authenticate(access, id, username, connect.password())) {
      return;
    }
    if (!c.inProcess && AccessControl.BROKER_IDENTITY.equals(username)) {
      // Whoever is named so is judged by no ACL: only the broker's own parts may be.
      disconnector.refuse(
          id,
          ReasonCode.BAD_USER_NAME_OR_PASSWORD,
          "user name '" + username + "' is reserved for the broker's own in-process clients",
          NOT_TOLD);
      return;
    }
    if (c.listener >= 0 && config.listeners().get(c.listener).useUsernameAsClientId()) {
      if (username == null) {
        // As mosquitto: use_username_as_clientid refuses a client without a user name.
        disconnector.refuse(
            id,
            ReasonCode.NOT_AUTHORIZED,
            "no user name to use as client id (use_username_as_clientid)",
            NOT_TOLD);
        return;
      }
      id = username;
    }
    int keepAliveSeconds = connect.keepAlive();
    Integer serverKeepAlive = null;
    int maxKeepalive = config.maxKeepalive();
    if (maxKeepalive > 0 && keepAliveSeconds > maxKeepalive) {
      if (!v5) {
        disconnector.refuse(
            id,
            ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "keep-alive " + keepAliveSeconds + " s exceeds max_keepalive " + maxKeepalive,
            null);
        return;
      }
      keepAliveSeconds = maxKeepalive;
      serverKeepAlive = keepAliveSeconds;
    }

    String assigned = null;
    if (id.isEmpty()) {
      id = c.broker.connections().assignClientId();
      assigned = v5 ? id : null;
    }
    if (!c.inProcess && ownedByTheBroker(id)) {
      // A bridge's or the provisioning service's session: taking it over would cut that part off
      // (and its reconnect would take it back, over and over).
      disconnector.refuse(
          id,
          ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
          "client id '" + id + "' is held by one of the broker's own in-process clients",
          NOT_TOLD);
      return;
    }
    c.clientId = id;
    c.username = username;
    ClientAcl acl = access.aclFor(username, id);
    Will w = connect.will();
    if (w != null && !acl.canWrite(Topics.levels(w.topic().value()))) {
      disconnector.refuse(
          id,
          ReasonCode.NOT_AUTHORIZED,
          "no write access to will topic '" + w.topic().value() + "' (acl_file)",
          "no write access to will topic '" + w.topic().value() + "'");
      return;
    }
    String over =
        w == null
            ? null
            : Topics.overLimit(w.topic().value(), config.maxTopicLevels(), config.maxTopicBytes());
    if (over != null) {
      disconnector.refuse(
          id, ReasonCode.TOPIC_NAME_INVALID, "will topic of " + over, "will topic name invalid");
      return;
    }
    if (w != null && w.retain() && !config.retainAvailable()) {
      disconnector.refuse(
          id,
          ReasonCode.RETAIN_NOT_SUPPORTED,
          "retained will but retain_available false",
          "retained messages not available");
      return;
    }
    will.set(w);
    if (v5) {
      Long sei = props.sessionExpiryInterval();
      c.sessionExpiry = sei == null ? 0 : sei;
      Integer rm = props.receiveMaximum();
      Integer tam = props.topicAliasMaximum();
      c.aliases = new TopicAliases(tam == null ? 0 : tam);
      Long mps = props.maximumPacketSize();
      if (mps != null) {
        c.encoder().setMaximumPacketSize(mps);
      }
      writer.limits(
          Math.min(config.maxInflightMessages(), rm == null ? 65535 : rm),
          mps == null ? Long.MAX_VALUE : mps);
      c.problemInformation = !Boolean.FALSE.equals(props.requestProblemInformation());
    } else {
      c.sessionExpiry = connect.cleanStart() ? 0 : Session.NEVER_EXPIRES;
      writer.limits(config.maxInflightMessages(), Long.MAX_VALUE);
    }
    if (c.sessionExpiry != 0
        && c.broker.journal().keepsSessions()
        && !c.broker.journal().writable()) {
      // A session the broker could not keep would be promised by the CONNACK; the journal has
      // logged the episode, and the client may come back once the store writes again.
      disconnector.refuse(
          id,
          ReasonCode.SERVER_UNAVAILABLE,
          "persistent session, but the message store is failing (its error line says why)",
          "server unavailable");
      return;
    }
    keepAlive.start(keepAliveSeconds);

    String unavailable = c.broker.sessions().unavailable();
    if (unavailable != null) {
      disconnector.refuse(id, ReasonCode.SERVER_UNAVAILABLE, unavailable, NOT_TOLD);
      return;
    }
    c.phase = Phase.CONNECTING;
    c.gate.hold();
    String assignedId = assigned;
    Integer ska = serverKeepAlive;
    int ka = keepAliveSeconds;
    boolean cleanStart = connect.cleanStart();
    CompletableFuture<Void> willHeld = will.register(id);
    CompletionStage<Claim> claimed = c.broker.sessions().claim(id, cleanStart, c.ctx.executor());
    if (!willHeld.isDone()) {
      // A cluster keeps the will on another node too before the CONNACK promises anything.
      claimed = claimed.thenCombineAsync(willHeld, (claim, held) -> claim, c.ctx.executor());
    }
    claimed.thenAccept(claim -> connected(claim, cleanStart, assignedId, ska, ka));
  }

  /** Whether the session of {@code id} is one of the broker's own (bridge, provisioning). */
  private boolean ownedByTheBroker(String id) {
    Session s = c.broker.sessions().get(id);
    return s != null && AccessControl.BROKER_IDENTITY.equals(s.username());
  }

  /**
   * Checks a CONNECT's user name and password against {@code allow_anonymous} and the password
   * file; refuses and returns false when they do not pass. The password is never logged; the client
   * learns the reason code only.
   */
  private boolean authenticate(AccessControl access, String id, String username, byte[] password) {
    boolean anonymousOk = access.allowAnonymous(c.broker.config());
    PasswordFile passwords = access.passwords();
    if (username == null) {
      if (!anonymousOk) {
        disconnector.refuse(
            id,
            ReasonCode.NOT_AUTHORIZED,
            "anonymous clients are not allowed (allow_anonymous false); send a user name",
            NOT_TOLD);
        return false;
      }
      return true;
    }
    if (passwords == null) {
      if (!anonymousOk) {
        disconnector.refuse(
            id,
            ReasonCode.BAD_USER_NAME_OR_PASSWORD,
            "no password_file configured to check user '" + username + "'",
            NOT_TOLD);
        return false;
      }
      return true;
    }
    switch (passwords.check(username, password)) {
      case ACCEPTED -> {
        return true;
      }
      case UNKNOWN_USER -> {
        disconnector.refuse(
            id,
            ReasonCode.BAD_USER_NAME_OR_PASSWORD,
            "unknown user '" + username + "' (not in password_file " + passwords.file() + ")",
            NOT_TOLD);
        return false;
      }
      default -> {
        disconnector.refuse(
            id,
            ReasonCode.BAD_USER_NAME_OR_PASSWORD,
            password == null
                ? "no password given for user '" + username + "'"
                : "wrong password for user '" + username + "'",
            NOT_TOLD);
        return false;
      }
    }
  }

  /** Runs on the channel's loop, where the claimed session now lives too. */
  private void connected(
      Claim claim, boolean cleanStart, String assigned, Integer serverKeepAlive, int keepAlive) {
    Session s = claim.session();
    if (c.phase != Phase.CONNECTING || !c.channel.isActive()) {
      // Closed while the session was being handed over: leave it as a detached session.
      c.phase = Phase.CLOSING;
      will.publishOnClose(false);
      if (!s.isOnline()) {
        s.setExpiryInterval(c.sessionExpiry);
        s.attach(writer, c.sessionExpiry);
        s.detach(writer);
      }
      s.claimDone();
      return;
    }
    c.session = s;
    // Resolved again: a reload (SIGHUP) may have come between CONNECT and now.
    s.setAccess(
        c.username,
        c.broker.access().current().forListener(c.listener).aclFor(c.username, c.clientId),
        c.listener);
    c.phase = Phase.CONNECTED;
    MqttProperties props = MqttProperties.EMPTY;
    if (c.isV5()) {
      BrokerConfig config = c.broker.config();
      MqttProperties.Builder b = MqttProperties.builder();
      if (assigned != null) {
        b.assignedClientIdentifier(assigned);
      }
      if (serverKeepAlive != null) {
        b.serverKeepAlive(serverKeepAlive);
      }
      b.receiveMaximum(config.maxInflightMessages());
      b.topicAliasMaximum(TopicAliases.INBOUND_MAXIMUM);
      b.maximumPacketSize((long) config.maxPacketSize());
      if (!config.retainAvailable()) {
        b.retainAvailable(false);
      }
      props = b.build();
    }
    c.ctx.write(new Connack(claim.present(), ReasonCode.SUCCESS, props), c.ctx.voidPromise());
    String identity = c.tls == null ? null : c.tls.identity();
    LOG.info(
        "New client connected from {} as {} (p{}, c{}, k{}{}{})",
        c.address,
        c.clientId,
        protocolNumber(c.version),
        cleanStart ? 1 : 0,
        keepAlive,
        c.username == null ? "" : ", u'" + c.username + "'",
        identity == null ? "" : ", cert '" + identity + "'");
    s.attach(writer, c.sessionExpiry);
    c.ctx.flush();
    attached.attached();
    c.gate.release();
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
}
