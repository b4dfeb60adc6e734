package dev.mqttls.broker.internal.bootstrap;

import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.ListenerTls;
import dev.mqttls.broker.internal.connection.ConnectSniffer;
import dev.mqttls.broker.internal.connection.ConnectionRate;
import dev.mqttls.broker.internal.connection.ConnectionTls;
import dev.mqttls.broker.internal.connection.MqttConnection;
import dev.mqttls.broker.internal.connection.PacketLog;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;

/**
 * Builds each accepted connection's pipeline: [TLS] → codec → flush consolidation → [packet log,
 * with -v] → protocol.
 */
public final class ConnectionInitializer extends ChannelInitializer<SocketChannel> {
  private final BrokerContext context;
  private final ListenerConfig listener;
  private final ListenerTls tls;
  private final DecoderLimits limits;

  /** max_connection_rate of the listener; null: none. */
  private final ConnectionRate rate;

  public ConnectionInitializer(BrokerContext context, ListenerConfig listener, ListenerTls tls) {
    this.context = context;
    this.listener = listener;
    this.tls = tls;
    this.limits = DecoderLimits.ofMaxPacketSize(context.config().maxPacketSize());
    this.rate =
        listener.maxConnectionRate() > 0
            ? new ConnectionRate(listener.maxConnectionRate(), listener.name(), context.ticker())
            : null;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    InetSocketAddress remote = ch.remoteAddress();
    if (rate != null && remote != null && !rate.admit(remote.getAddress())) {
      // Closed unread: no TLS handshake, no MQTT, no count against max_connections.
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    ConnectionTls connectionTls = tls.install(p);
    p.addFirst("wire-bytes", context.metrics().wireBytes());
    ConnectSniffer sniffer = new ConnectSniffer();
    p.addLast("sniffer", sniffer);
    p.addLast("decoder", MqttDecoder.forServer(limits));
    MqttEncoder encoder = new MqttEncoder();
    // Packets written between two flushes share one buffer ...
    encoder.setCoalescing(true);
    p.addLast("encoder", encoder);
    // ... and there is one flush per event-loop turn for a connection, however many packets were
    // written in it: the protocol handler flushes freely, this handler passes one flush on.
    p.addLast("flush", new FlushConsolidationHandler(256, true));
    if (PacketLog.enabled()) {
      // -v: only then is the packet log in the pipeline at all
      p.addLast("packet-log", new PacketLog());
    }
    p.addLast("meter", context.metrics().meter(String.valueOf(listener.port())));
    p.addLast("mqtt", new MqttConnection(context, connectionTls, sniffer));
  }
}
