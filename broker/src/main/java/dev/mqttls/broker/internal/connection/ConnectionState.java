package dev.mqttls.broker.internal.connection;

import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.flow.ReadGate;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttVersion;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.regex.Pattern;

/**
 * What one connection knows, shared by its flows. Confined to the channel's event loop, like every
 * flow that reads it; the fields are plain on purpose.
 */
final class ConnectionState {
  enum Phase {
    AWAIT_CONNECT,
    CONNECTING,
    CONNECTED,
    CLOSING
  }

  final BrokerContext broker;
  final ConnectionTls tls;
  final ConnectSniffer sniffer;

  /**
   * Whether the connection comes from inside this JVM ({@code Broker#inProcessAddress()}): trusted,
   * not counted against max_connections.
   */
  final boolean inProcess;

  ChannelHandlerContext ctx;
  Channel channel;
  ReadGate gate;
  String address = "?";
  Phase phase = Phase.AWAIT_CONNECT;

  // Known after CONNECT.
  MqttVersion version;
  String clientId;
  String username;
  Session session;
  long sessionExpiry;
  boolean problemInformation = true;
  TopicAliases aliases = new TopicAliases(0);

  /** Why the connection ends, for the line logged when it does. */
  String closeReason;

  /** Whether the line saying why this connection ends was already logged. */
  boolean reasonLogged;

  ConnectionState(
      BrokerContext broker, ConnectionTls tls, ConnectSniffer sniffer, boolean inProcess) {
    this.broker = broker;
    this.tls = tls;
    this.sniffer = sniffer;
    this.inProcess = inProcess;
  }

  void bind(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
    this.gate = ReadGate.of(channel);
  }

  boolean isV5() {
    return version != null && version.isV5();
  }

  MqttEncoder encoder() {
    return ctx.pipeline().get(MqttEncoder.class);
  }

  /** The client id for log lines, or a stand-in before CONNECT. */
  String who() {
    return clientId == null ? "<unknown>" : clientId;
  }

  static String format(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      return i.getAddress().getHostAddress() + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    if (m == null) {
      return t.getClass().getSimpleName();
    }
    // Netty's native transport prefixes the OS's words with the system call ("writevAddresses(..)
    // failed: Broken pipe"): the operator needs only the words.
    return NATIVE_CALL.matcher(m).replaceFirst("");
  }

  private static final Pattern NATIVE_CALL = Pattern.compile("^\\w+\\(\\.\\.\\) failed: ");
}
