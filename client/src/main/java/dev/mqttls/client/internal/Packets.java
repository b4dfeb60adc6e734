package dev.mqttls.client.internal;

import dev.mqttls.codec.MqttPacket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;

/** Writing a packet the flows send on their own (acknowledgements, SUBSCRIBE, PUBREL). */
public final class Packets {
  private Packets() {}

  /**
   * Writes and flushes {@code packet}; a write that fails closes nothing but is reported to the
   * connection's handler as an exception. Without a channel the packet is released and dropped.
   */
  public static void send(Channel channel, MqttPacket packet) {
    if (channel == null) {
      ReferenceCountUtil.release(packet);
      return;
    }
    channel.writeAndFlush(packet).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }
}
