package dev.mqttls.broker.internal.bootstrap;

import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.connection.ConnectSniffer;
import dev.mqttls.broker.internal.connection.MqttConnection;
import dev.mqttls.broker.internal.connection.PacketLog;
import dev.mqttls.codec.DecoderLimits;
import dev.mqttls.codec.MqttDecoder;
import dev.mqttls.codec.MqttEncoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.local.LocalChannel;

/**
 * The pipeline of a connection from inside this JVM (a bridge, the $SYS publisher, provisioning,
 * the dashboard's topic viewer): the same codec and protocol handler as a socket's, without TLS and
 * without a connection rate, so that such parts are ordinary MQTT clients of the broker with every
 * session guarantee, not a second way into routing.
 */
final class InProcessInitializer extends ChannelInitializer<LocalChannel> {
  private final BrokerContext context;
  private final DecoderLimits limits;

  InProcessInitializer(BrokerContext context) {
    this.context = context;
    this.limits = DecoderLimits.ofMaxPacketSize(context.config().maxPacketSize());
  }

  @Override
  protected void initChannel(LocalChannel ch) {
    ChannelPipeline p = ch.pipeline();
    ConnectSniffer sniffer = new ConnectSniffer();
    p.addLast("sniffer", sniffer);
    p.addLast("decoder", MqttDecoder.forServer(limits));
    MqttEncoder encoder = new MqttEncoder();
    encoder.setCoalescing(true);
    p.addLast("encoder", encoder);
    if (PacketLog.enabled()) {
      p.addLast("packet-log", new PacketLog());
    }
    p.addLast("mqtt", MqttConnection.inProcess(context, sniffer));
  }
}
