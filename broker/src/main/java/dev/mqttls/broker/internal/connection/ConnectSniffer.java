package dev.mqttls.broker.internal.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Notes the protocol level byte of the first CONNECT, so that a CONNECT too broken for the decoder
 * to report a version can still be refused in the client's own version (an MQTT 5 CONNACK with a
 * reason code). Looks at the first bytes only, copies nothing, then removes itself.
 */
public final class ConnectSniffer extends ChannelInboundHandlerAdapter {
  private final byte[] head = new byte[16];
  private int have;
  private int level = -1;

  /** The protocol level, or -1 when not (yet) known. */
  public int level() {
    return level;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      int n = Math.min(head.length - have, b.readableBytes());
      b.getBytes(b.readerIndex(), head, have, n);
      have += n;
      if (parse() || have == head.length) {
        ctx.pipeline().remove(this);
      }
    }
    ctx.fireChannelRead(msg);
  }

  private boolean parse() {
    if (have < 1 || (head[0] & 0xF0) != 0x10) {
      return have >= 1;
    }
    int i = 1;
    while (i < have && i < 5 && (head[i] & 0x80) != 0) {
      i++;
    }
    i++; // past the last remaining-length byte
    if (have < i + 2) {
      return false;
    }
    int nameLength = ((head[i] & 0xFF) << 8) | (head[i + 1] & 0xFF);
    int levelAt = i + 2 + nameLength;
    if (nameLength > 6 || levelAt >= head.length) {
      return true;
    }
    if (have <= levelAt) {
      return false;
    }
    level = head[levelAt] & 0xFF;
    return true;
  }
}
