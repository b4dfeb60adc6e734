package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.internal.connection.ConnectionState.Phase;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.PacketTooLargeException;
import dev.mqttls.codec.PacketType;
import dev.mqttls.codec.ReasonCode;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a violation, a refusal or a failure becomes an outcome: a refusing CONNACK
 * and close, a DISCONNECT with its reason (MQTT 5) or a close (3.1.1), with the operator's one log
 * line. What the client is told before it has authenticated never names users, paths or
 * configuration; the log line has the details.
 */
final class Disconnector {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private final ConnectionState c;

  Disconnector(ConnectionState c) {
    this.c = c;
  }

  /**
   * Refuses a CONNECT: logs {@code cause} and answers with {@code reason}. {@code toClient} is the
   * reason string an MQTT 5 client gets (null: none); it must not name users, files or directives.
   */
  void refuse(String id, ReasonCode reason, String cause, String toClient) {
    LOG.info(
        "Client {} from {} refused: {} ({})",
        id.isEmpty() ? "<no id>" : id,
        c.address,
        cause,
        reason.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    sendRefusal(reason, toClient);
  }

  private void sendRefusal(ReasonCode reason, String toClient) {
    c.phase = Phase.CLOSING;
    c.channel.config().setAutoRead(false);
    Object answer = null;
    if (c.isV5()) {
      ReasonCode r = reason.isAllowedIn(PacketType.CONNACK) ? reason : ReasonCode.UNSPECIFIED_ERROR;
      MqttProperties props =
          toClient == null
              ? MqttProperties.EMPTY
              : MqttProperties.builder().reasonString(toClient).build();
      answer = new Connack(false, r, props);
    } else if (c.version != null && reason.v3ConnackCode() > 0) {
      answer = new Connack(false, reason, MqttProperties.EMPTY);
    }
    if (answer == null) {
      c.channel.close();
    } else {
      c.ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * A peer error: logs one line (client id, address, cause) and answers as the protocol version
   * demands — before CONNACK a refusing CONNACK (or just closing, in 3.1.1 when it has no code),
   * after it a DISCONNECT with the reason (MQTT 5) or closing (3.1.1) — then closes. The cause
   * describes the client's own bytes, so it may be told to it.
   */
  void protocolFailure(ReasonCode reason, String cause) {
    if (c.phase == Phase.CLOSING) {
      return;
    }
    LOG.info("Client {} from {} disconnected: protocol violation: {}", c.who(), c.address, cause);
    if (c.phase == Phase.AWAIT_CONNECT || c.phase == Phase.CONNECTING) {
      int level = c.sniffer.level();
      if (c.version == null && reason == ReasonCode.UNSUPPORTED_PROTOCOL_VERSION && level != 5) {
        // Not MQTT 5 and not a version we know: answer as 3.1.1 does (CONNACK code 1), which
        // every client can read. A level-5 CONNECT gets an MQTT 5 CONNACK 0x84 below.
        c.phase = Phase.CLOSING;
        c.channel.config().setAutoRead(false);
        c.encoder().setVersion(MqttVersion.V3_1_1);
        c.ctx
            .writeAndFlush(new Connack(false, reason, MqttProperties.EMPTY))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      if (c.version == null && level == 5) {
        c.version = MqttVersion.V5;
        c.encoder().setVersion(MqttVersion.V5);
      } else if (c.version == null && level == 4) {
        c.version = MqttVersion.V3_1_1;
      } else if (c.version == null && level == 3) {
        c.version = MqttVersion.V3_1;
      }
      sendRefusal(reason, cause);
      return;
    }
    c.closeReason = "disconnected: protocol violation: " + cause;
    c.reasonLogged = true;
    sendDisconnect(reason, cause);
  }

  /** Server-initiated DISCONNECT (MQTT 5) or close (3.1.1) for a reason that is not a violation. */
  void disconnect(ReasonCode reason, String cause) {
    if (c.phase == Phase.CLOSING) {
      return;
    }
    c.closeReason = "disconnected: " + cause;
    sendDisconnect(reason, cause);
  }

  private void sendDisconnect(ReasonCode reason, String cause) {
    c.phase = Phase.CLOSING;
    c.channel.config().setAutoRead(false);
    if (c.isV5()) {
      ReasonCode r = reason.isAllowedIn(PacketType.DISCONNECT) ? reason : ReasonCode.PROTOCOL_ERROR;
      MqttProperties props =
          c.problemInformation
              ? MqttProperties.builder().reasonString(cause).build()
              : MqttProperties.EMPTY;
      c.ctx.writeAndFlush(new Disconnect(r, props)).addListener(ChannelFutureListener.CLOSE);
    } else {
      c.channel.close();
    }
  }

  /** Closes without a word to the client (it has not spoken MQTT yet). */
  void closeQuietly(String why) {
    if (c.phase == Phase.CLOSING) {
      return;
    }
    LOG.info("Connection from {} closed: {}", c.address, why);
    c.phase = Phase.CLOSING;
    c.channel.close();
  }

  /** Closes without logging: the reason was logged already (or there is none worth a line). */
  void close() {
    c.phase = Phase.CLOSING;
    c.channel.close();
  }

  /**
   * An exception reached the end of the pipeline. A peer's doing (a socket error, TLS the peer
   * broke or we refused) is one line; anything else is our bug or a broken installation and gets
   * its stack trace.
   */
  void caught(Throwable cause) {
    if (cause instanceof PacketTooLargeException) {
      return; // a PUBLISH over the client's Maximum Packet Size: discarded, as MQTT 5 says
    }
    if (c.phase != Phase.CLOSING) {
      String who = c.clientId != null ? "client " + c.clientId : "connection";
      Throwable tlsFailure = tlsFailure(cause);
      c.reasonLogged = true;
      if (tlsFailure != null && (c.tls == null || !c.tls.handshakeDone())) {
        // A refused handshake: the TLS layer has logged its named cause, one line is enough.
        c.closeReason = "disconnected: TLS handshake failed";
        LOG.debug("TLS handshake of {} from {} failed: {}", who, c.address, describe(tlsFailure));
      } else if (tlsFailure != null) {
        c.closeReason = "disconnected: TLS error: " + describe(tlsFailure);
        LOG.info(
            "TLS error on {} from {}: {}, disconnecting", who, c.address, describe(tlsFailure));
      } else if (cause instanceof IOException) {
        c.closeReason = "disconnected: socket error: " + describe(cause);
        LOG.info("Socket error on {} from {}: {}, disconnecting", who, c.address, describe(cause));
      } else {
        // Not the peer's doing: a bug or a broken installation, worth its stack trace.
        c.closeReason = "disconnected: internal error: " + describe(cause);
        LOG.error("Internal error on {} from {}, disconnecting", who, c.address, cause);
      }
      c.phase = Phase.CLOSING;
    }
    c.ctx.close();
  }

  /** The TLS failure behind {@code cause} (SslHandler wraps it in a DecoderException), or null. */
  private static Throwable tlsFailure(Throwable cause) {
    Throwable t =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    return t instanceof SSLException ? t : null;
  }

  private static String describe(Throwable t) {
    return ConnectionState.describe(t);
  }
}
