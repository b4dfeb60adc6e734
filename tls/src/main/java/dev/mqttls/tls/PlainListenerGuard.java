package dev.mqttls.tls;

import dev.mqttls.tls.internal.ClientHelloParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Recognises TLS sent to a plain listener from the first byte, then gets out of the way. */
final class PlainListenerGuard extends ChannelInboundHandlerAdapter {
  private final String listener;

  PlainListenerGuard(String listener) {
    this.listener = listener;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
      ByteBuf in = (ByteBuf) msg;
      if (ClientHelloParser.looksLikeTls(in)) {
        in.release();
        HandshakeLog.fail(
            ctx,
            listener,
            HandshakeFailureCause.TLS_ON_PLAIN_PORT,
            "sent TLS (a ClientHello) to a plain MQTT listener; connect without TLS or use the"
                + " TLS port",
            null,
            null,
            false);
        return;
      }
      ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(msg);
  }
}
