package dev.mqttls.bench.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * First in the pipeline, so it sees what the socket carries (TLS records included): the TCP payload
 * bytes each way. Confined to the channel's event loop; read with {@link #read()} and {@link
 * #written()} from there or after the channel is closed.
 */
final class ByteCounter extends ChannelDuplexHandler {
  private volatile long read;
  private volatile long written;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      read += b.readableBytes();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b) {
      written += b.readableBytes();
    }
    ctx.write(msg, promise);
  }

  long read() {
    return read;
  }

  long written() {
    return written;
  }
}
