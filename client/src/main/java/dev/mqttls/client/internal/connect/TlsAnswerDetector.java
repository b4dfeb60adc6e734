package dev.mqttls.client.internal.connect;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.MqttClientException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Consumer;

/**
 * On a plain connection, looks at the first byte the broker sends: a CONNACK starts with 0x20, a
 * TLS record (an alert or handshake, content type 0x15 or 0x16, version 0x03) means we spoke plain
 * MQTT to a TLS port. That is reported by name instead of as a malformed packet. Removes itself
 * after the first read.
 */
final class TlsAnswerDetector extends ChannelInboundHandlerAdapter {
  private final String url;
  private final Consumer<MqttClientException> onTls;

  TlsAnswerDetector(String url, Consumer<MqttClientException> onTls) {
    this.url = url;
    this.onTls = onTls;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf && buf.readableBytes() >= 2) {
      int type = buf.getUnsignedByte(buf.readerIndex());
      int major = buf.getUnsignedByte(buf.readerIndex() + 1);
      if ((type == 0x15 || type == 0x16) && major == 0x03) {
        buf.release();
        onTls.accept(
            new MqttClientException(
                FailureKind.TLS_HANDSHAKE,
                "TLS: the broker at "
                    + url
                    + " answered with TLS: this is a TLS port; connect with mqtts:// (or --cafile)",
                null));
        return;
      }
    }
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(msg);
  }
}
