package dev.mqttls.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Follows the TLS record headers the client sends during the handshake, so a failure can be
 * attributed to an alert from the peer (a fact of the byte stream) rather than guessed from an
 * exception message. Removed once the handshake is over.
 */
final class RecordSniffer extends ChannelInboundHandlerAdapter {
  private int headerHave;
  private final byte[] header = new byte[5];
  private int bodyLeft;
  private int bodyPos;
  private int lastType = -1;
  private int lastLength;
  private int lastAlertLevel = -1;
  private int lastAlertDescription = -1;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf) {
      follow((ByteBuf) msg);
    }
    ctx.fireChannelRead(msg);
  }

  private void follow(ByteBuf in) {
    int i = in.readerIndex();
    int end = in.writerIndex();
    while (i < end) {
      if (bodyLeft > 0) {
        int n = Math.min(bodyLeft, end - i);
        if (lastType == 21) {
          for (int k = 0; k < n; k++) {
            int b = in.getUnsignedByte(i + k);
            if (bodyPos + k == 0) {
              lastAlertLevel = b;
            } else if (bodyPos + k == 1) {
              lastAlertDescription = b;
            }
          }
        }
        bodyPos += n;
        bodyLeft -= n;
        i += n;
        continue;
      }
      header[headerHave++] = in.getByte(i++);
      if (headerHave == 5) {
        headerHave = 0;
        lastType = header[0] & 0xff;
        lastLength = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        bodyLeft = lastLength;
        bodyPos = 0;
        if (lastType == 21) {
          lastAlertLevel = -1;
          lastAlertDescription = -1;
        }
      }
    }
  }

  /** The content type of the last record the peer started, or -1. */
  int lastType() {
    return lastType;
  }

  /** Its length. */
  int lastLength() {
    return lastLength;
  }

  /** The description of the last plaintext alert, or -1. */
  int lastAlertDescription() {
    return lastAlertDescription;
  }
}
