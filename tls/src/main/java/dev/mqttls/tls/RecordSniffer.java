package dev.mqttls.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Follows the TLS records the client sends during the handshake, so a failure can be attributed to
 * a fact of the byte stream (an alert from the peer, an empty Certificate message) rather than
 * guessed from an exception message. Removed once the handshake is over.
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
  private int firstEncryptedLength = -1;

  // Plaintext handshake messages, followed until the client's first ChangeCipherSpec or
  // encrypted record: in TLS 1.2 the client's Certificate message travels in clear.
  private boolean plaintext = true;
  private final byte[] hs = new byte[4];
  private int hsHave;
  private int hsType;
  private int hsLeft;
  private int listHave;
  private int listLength;
  private boolean sawCertificate;
  private boolean emptyCertificate;
  private boolean keyExchangeWithoutCertificate;

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
        } else if (lastType == 22 && plaintext) {
          handshake(in, i, n);
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
        } else if (lastType == 20 || lastType == 23) {
          plaintext = false;
          if (lastType == 23 && firstEncryptedLength < 0) {
            firstEncryptedLength = lastLength;
          }
        }
      }
    }
  }

  /** Follows handshake message boundaries across records; reads a Certificate's list length. */
  private void handshake(ByteBuf in, int from, int n) {
    int i = from;
    int end = from + n;
    while (i < end) {
      if (hsHave < 4) {
        hs[hsHave++] = in.getByte(i++);
        if (hsHave == 4) {
          hsType = hs[0] & 0xff;
          hsLeft = ((hs[1] & 0xff) << 16) | ((hs[2] & 0xff) << 8) | (hs[3] & 0xff);
          listHave = 0;
          listLength = 0;
          if (hsType == 16 && !sawCertificate) {
            keyExchangeWithoutCertificate = true;
          }
          if (hsLeft == 0) {
            hsHave = 0;
          }
        }
        continue;
      }
      if (hsType == 11 && listHave < 3) {
        listLength = (listLength << 8) | in.getUnsignedByte(i++);
        hsLeft--;
        if (++listHave == 3) {
          sawCertificate = true;
          emptyCertificate = listLength == 0;
        }
      } else {
        int skip = Math.min(hsLeft, end - i);
        i += skip;
        hsLeft -= skip;
      }
      if (hsLeft == 0) {
        hsHave = 0;
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

  /** The length of the client's first encrypted record (type 23), or -1 if none came. */
  int firstEncryptedLength() {
    return firstEncryptedLength;
  }

  /**
   * Whether the client's plaintext handshake showed it has no certificate to give: an empty
   * Certificate message, or a ClientKeyExchange with no Certificate before it (TLS 1.2).
   */
  boolean sentNoCertificateInClear() {
    return emptyCertificate || keyExchangeWithoutCertificate;
  }
}
