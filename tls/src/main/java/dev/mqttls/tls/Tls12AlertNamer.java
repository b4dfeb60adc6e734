package dev.mqttls.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * On the JDK engine, gives a refused client certificate the alert that names why, in TLS 1.2.
 * SunJSSE answers every trust-manager refusal with certificate_unknown; a TLS 1.2 server refuses
 * the client's Certificate before it has sent its own ChangeCipherSpec, so that alert record is in
 * clear and outside the handshake transcript, and its description can be replaced by the one the
 * OpenSSL engine would have sent (unknown_ca, certificate_revoked, ...). The devices that land on
 * this engine are mostly mbedTLS 2.x devices asking for max_fragment_length: TLS 1.2 only. In TLS
 * 1.3 the alert is encrypted and stays certificate_unknown.
 *
 * <p>Sits between the socket and the {@code SslHandler}; one per connection, confined to its event
 * loop; removed when the handshake succeeds.
 */
final class Tls12AlertNamer extends ChannelOutboundHandlerAdapter {
  private static final int CERTIFICATE_UNKNOWN = 46;
  private int alert = -1;
  private boolean clear = true;

  /** The verifier refused the client's certificate; name it with {@code alert}. */
  void refusedWith(int alert) {
    this.alert = alert;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (clear && msg instanceof ByteBuf) {
      rename((ByteBuf) msg);
    }
    ctx.write(msg, promise);
  }

  // The engine writes whole records; anything unexpected leaves the bytes as they are.
  private void rename(ByteBuf buf) {
    int i = buf.readerIndex();
    int end = buf.writerIndex();
    while (i + 5 <= end) {
      int type = buf.getUnsignedByte(i);
      if (buf.getUnsignedByte(i + 1) != 3) {
        return;
      }
      int length = buf.getUnsignedShort(i + 3);
      if (type == 20 || type == 23) {
        clear = false; // from here on records are encrypted
        return;
      }
      if (type == 21
          && length == 2
          && alert > 0
          && i + 7 <= end
          && buf.getUnsignedByte(i + 5) == 2
          && buf.getUnsignedByte(i + 6) == CERTIFICATE_UNKNOWN) {
        buf.setByte(i + 6, alert);
      }
      i += 5 + length;
    }
  }
}
