package dev.mqttls.broker.internal.metrics;

import dev.mqttls.broker.ConnectedClient;
import dev.mqttls.broker.Refusal;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.tls.DeviceIdentity;
import dev.mqttls.tls.TlsHandshakeFailed;
import dev.mqttls.tls.TlsSessionEstablished;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One connection's meter, just before the protocol handler: sees every decoded packet in, every
 * packet out, and the TLS events. Counts packets and inbound PUBLISHes, times the handshake, counts
 * CONNACKs by reason, and keeps the connection's row in the client table from CONNACK to close.
 * Confined to the connection's event loop.
 */
final class ConnectionMeter extends ChannelDuplexHandler {
  private final BrokerMetrics metrics;
  private final Traffic traffic;
  private final String listener;
  private final long startNanos;
  private TlsSessionEstablished tls;
  private String clientId;
  private String username;
  private MqttVersion version;
  private ConnectedClient row;

  ConnectionMeter(BrokerMetrics metrics, String listener) {
    this.metrics = metrics;
    this.traffic = metrics.traffic();
    this.listener = listener;
    this.startNanos = metrics.ticker().nanoTime();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    traffic.packetsIn.increment();
    if (msg instanceof Publish p) {
      int q = p.qos().code();
      traffic.publishIn[q].increment();
      traffic.payloadIn[q].add(p.payload().readableBytes());
    } else if (msg instanceof Connect c) {
      // Only what the table shows: never the password.
      clientId = c.clientId();
      username = c.username();
      version = c.version();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    traffic.packetsOut.increment();
    if (msg instanceof Connack a) {
      connack(ctx, a);
    }
    ctx.write(msg, promise);
  }

  private void connack(ChannelHandlerContext ctx, Connack a) {
    metrics.connack(a.reasonCode());
    if (a.reasonCode() != ReasonCode.SUCCESS) {
      String reason = a.reasonCode().name().toLowerCase(Locale.ROOT);
      metrics.refused(
          new Refusal(
              now(),
              Refusal.Kind.CONNECT,
              listener,
              address(ctx.channel().remoteAddress()),
              Optional.ofNullable(clientId),
              reason,
              "CONNECT refused: " + reason.replace('_', ' ')));
      return;
    }
    if (row != null) {
      return;
    }
    String assigned = a.properties().assignedClientIdentifier();
    Optional<DeviceIdentity> id = tls == null ? Optional.empty() : tls.identity();
    row =
        new ConnectedClient(
            assigned != null ? assigned : clientId == null ? "" : clientId,
            address(ctx.channel().remoteAddress()),
            listener,
            protocol(version),
            Optional.ofNullable(username),
            Optional.ofNullable(tls).map(TlsSessionEstablished::protocol),
            Optional.ofNullable(tls).map(TlsSessionEstablished::cipherSuite),
            id.map(DeviceIdentity::value),
            id.map(DeviceIdentity::subjectDn),
            id.map(i -> i.certificate().getNotAfter().toInstant()),
            now());
    metrics.clients().connected(ctx.channel().id(), row);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof TlsSessionEstablished e) {
      tls = e;
      metrics.tls().established(e, metrics.ticker().nanoTime() - startNanos);
    } else if (evt instanceof TlsHandshakeFailed f) {
      metrics.tls().failed(f);
      metrics.refused(
          new Refusal(
              now(),
              Refusal.Kind.TLS_HANDSHAKE,
              f.listenerName(),
              f.remoteAddress(),
              Optional.empty(),
              TlsMeters.label(f.cause()),
              f.detail()));
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (row != null) {
      metrics.clients().disconnected(ctx.channel().id(), row);
      row = null;
    }
    ctx.fireChannelInactive();
  }

  private Instant now() {
    return Instant.ofEpochMilli(metrics.ticker().currentTimeMillis());
  }

  static String protocol(MqttVersion v) {
    if (v == null) {
      return "MQTT";
    }
    return switch (v) {
      case V3_1 -> "MQTT 3.1";
      case V3_1_1 -> "MQTT 3.1.1";
      case V5 -> "MQTT 5.0";
    };
  }

  static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress i && i.getAddress() != null) {
      String host = i.getAddress().getHostAddress();
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + i.getPort();
    }
    return String.valueOf(a);
  }
}
