package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The client's records, spelled out byte by byte, as the failure classifier reads them. */
class RecordSnifferTest {
  private final RecordSniffer sniffer = new RecordSniffer();
  private final EmbeddedChannel ch = new EmbeddedChannel(sniffer);

  private static byte[] record(int type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.write(3);
    out.write(3);
    out.write(body.length >> 8);
    out.write(body.length & 0xff);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A handshake message: type, 24-bit length, body. */
  private static byte[] message(int type, byte[] body) {
    return concat(new byte[] {(byte) type, 0, (byte) (body.length >> 8), (byte) body.length}, body);
  }

  // ClientHello body; its 40th byte is 0x0b, the Certificate type, to catch a parser that takes
  // the start of a continuation record for the start of a message
  private static byte[] clientHelloBody() {
    byte[] b = new byte[80];
    b[0] = 3;
    b[1] = 3;
    b[40] = 0x0b;
    return b;
  }

  private void feed(byte[] bytes, int chunk) {
    for (int i = 0; i < bytes.length; i += chunk) {
      int n = Math.min(chunk, bytes.length - i);
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, n));
    }
    for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
      ((ByteBuf) o).release();
    }
  }

  /** A ClientHello fragmented over two records, the second starting at the 0x0b byte. */
  private static byte[] fragmentedClientHello() {
    byte[] hello = message(1, clientHelloBody());
    byte[] first = java.util.Arrays.copyOfRange(hello, 0, 44);
    byte[] second = java.util.Arrays.copyOfRange(hello, 44, hello.length);
    return concat(record(22, first), record(22, second));
  }

  @Test
  void tls12_emptyCertificate_thenKeyExchange_noCertificate() {
    byte[] emptyCert = message(11, new byte[] {0, 0, 0});
    byte[] cke = message(16, new byte[] {32, 1, 2, 3});
    feed(concat(fragmentedClientHello(), record(22, concat(emptyCert, cke))), 1000);
    assertThat(sniffer.sentNoCertificateInClear()).isTrue();
  }

  @Test
  void tls12_certificateSplitByteByByte_notEmpty() {
    // certificate_list of 7 bytes: one 4-byte certificate with its 3-byte length
    byte[] cert = message(11, new byte[] {0, 0, 7, 0, 0, 4, 0x30, 0x02, 0x05, 0x00});
    byte[] cke = message(16, new byte[] {32, 1, 2, 3});
    byte[] flight =
        concat(
            fragmentedClientHello(),
            record(22, java.util.Arrays.copyOfRange(cert, 0, 6)),
            record(22, concat(java.util.Arrays.copyOfRange(cert, 6, cert.length), cke)));
    feed(flight, 1);
    assertThat(sniffer.sentNoCertificateInClear()).isFalse();
  }

  @Test
  void tls12_keyExchangeWithoutCertificateMessage_noCertificate() {
    feed(concat(fragmentedClientHello(), record(22, message(16, new byte[] {1, 9}))), 7);
    assertThat(sniffer.sentNoCertificateInClear()).isTrue();
  }

  @Test
  void tls13_changeCipherSpecThenEncrypted_lengthOfFirstEncryptedRecord() {
    feed(
        concat(
            record(22, message(1, clientHelloBody())),
            record(20, new byte[] {1}),
            record(23, new byte[61]),
            record(23, new byte[53])),
        13);
    assertThat(sniffer.firstEncryptedLength()).isEqualTo(61);
    assertThat(sniffer.sentNoCertificateInClear()).isFalse();
    assertThat(sniffer.lastAlertDescription()).isEqualTo(-1);
  }

  @Test
  void plaintextAlert_descriptionRead() {
    feed(concat(record(22, message(1, clientHelloBody())), record(21, new byte[] {2, 48})), 3);
    assertThat(sniffer.lastAlertDescription()).isEqualTo(48);
    assertThat(sniffer.firstEncryptedLength()).isEqualTo(-1);
  }
}
