package dev.mqttls.broker.internal.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * First in every client pipeline: counts the bytes on the socket (TLS records included), one adder
 * add per read and per write. Stateless; shared by every connection of a broker.
 */
@Sharable
final class WireBytes extends ChannelDuplexHandler {
  private final LoopCounter in;
  private final LoopCounter out;

  WireBytes(Traffic t) {
    this.in = t.bytesIn;
    this.out = t.bytesOut;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      in.add(b.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b) {
      out.add(b.readableBytes());
    }
    ctx.write(msg, promise);
  }
}
