package dev.mqttls.client.internal.connect;

import dev.mqttls.client.PacketTrace;
import dev.mqttls.client.PacketTrace.Direction;
import dev.mqttls.codec.MqttPacket;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows every packet to the application's {@link PacketTrace}: received ones after decoding, sent
 * ones before encoding. Sits between the codec and the connection's handler, so that every write
 * (the handler's, the flows', the keep-alive's) passes it.
 */
final class PacketTraceHandler extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PacketTraceHandler.class);

  private final PacketTrace trace;

  PacketTraceHandler(PacketTrace trace) {
    this.trace = trace;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MqttPacket p) {
      tell(Direction.RECEIVED, p);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof MqttPacket p) {
      tell(Direction.SENT, p);
    }
    ctx.write(msg, promise);
  }

  private void tell(Direction direction, MqttPacket p) {
    try {
      trace.packet(direction, p);
    } catch (RuntimeException e) {
      // the application's listener must not break the connection
      LOG.warn("the packet trace listener failed on {} {}: {}", direction, p.type(), e.toString());
    }
  }
}
