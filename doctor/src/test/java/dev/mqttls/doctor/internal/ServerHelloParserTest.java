package dev.mqttls.doctor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** The plaintext ServerHello as it comes off the wire, spelled out byte by byte. */
class ServerHelloParserTest {

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  /** A ServerHello body with the given random, suite and extensions, wrapped in a record. */
  private static byte[] serverHelloRecord(byte[] random, int suite, byte[] extensions) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(bytes(0x03, 0x03)); // legacy_version TLS 1.2
    body.writeBytes(random); // 32 bytes
    body.write(0x00); // legacy_session_id: empty
    body.writeBytes(bytes(suite >> 8, suite & 0xFF)); // cipher_suite
    body.write(0x00); // legacy_compression_method: null
    body.writeBytes(bytes(extensions.length >> 8, extensions.length & 0xFF));
    body.writeBytes(extensions);
    byte[] b = body.toByteArray();
    ByteArrayOutputStream rec = new ByteArrayOutputStream();
    rec.writeBytes(
        bytes(0x16, 0x03, 0x03, (b.length + 4) >> 8, (b.length + 4) & 0xFF)); // handshake record
    rec.writeBytes(bytes(0x02, 0x00, b.length >> 8, b.length & 0xFF)); // ServerHello, 24-bit length
    rec.writeBytes(b);
    return rec.toByteArray();
  }

  @Test
  void tls13ServerHello_versionSuiteAndKeyShareGroup() {
    byte[] ext =
        bytes(
            0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, // supported_versions: TLS 1.3
            0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, // key_share: x25519, 32-byte key
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
            25, 26, 27, 28, 29, 30, 31, 32);
    byte[] wire = serverHelloRecord(new byte[32], 0x1301, ext);
    byte[] withCcs = new byte[wire.length + 6];
    System.arraycopy(wire, 0, withCcs, 0, wire.length);
    System.arraycopy(bytes(0x14, 0x03, 0x03, 0x00, 0x01, 0x01), 0, withCcs, wire.length, 6); // CCS

    ServerHelloParser.Choice c = ServerHelloParser.parse(withCcs);

    assertThat(c.version()).isEqualTo(0x0304);
    assertThat(c.suite()).isEqualTo(0x1301);
    assertThat(c.group()).isEqualTo(0x001d);
    assertThat(c.helloRetry()).isFalse();
  }

  @Test
  void helloRetryRequest_isRecognisedByItsRandom() {
    byte[] hrrRandom =
        bytes(
            0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65,
            0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
            0xc8, 0xa8, 0x33, 0x9c);
    byte[] ext =
        bytes(
            0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, // supported_versions: TLS 1.3
            0x00, 0x33, 0x00, 0x02, 0x00, 0x17); // key_share (HRR): selected group secp256r1

    ServerHelloParser.Choice c = ServerHelloParser.parse(serverHelloRecord(hrrRandom, 0x1302, ext));

    assertThat(c.helloRetry()).isTrue();
    assertThat(c.group()).isEqualTo(0x0017);
  }

  @Test
  void tls12_groupFromServerKeyExchange() {
    byte[] hello = serverHelloRecord(new byte[32], 0xc02b, new byte[0]);
    byte[] ske =
        bytes(
            0x16, 0x03, 0x03, 0x00, 0x08, // handshake record, 8 bytes
            0x0c, 0x00, 0x00, 0x04, // ServerKeyExchange, 4 bytes (truncated: enough for the curve)
            0x03, 0x00, 0x17, 0x41); // named_curve, secp256r1, point length
    byte[] wire = new byte[hello.length + ske.length];
    System.arraycopy(hello, 0, wire, 0, hello.length);
    System.arraycopy(ske, 0, wire, hello.length, ske.length);

    ServerHelloParser.Choice c = ServerHelloParser.parse(wire);

    assertThat(c.version()).isEqualTo(0x0303);
    assertThat(c.suite()).isEqualTo(0xc02b);
    assertThat(c.group()).isEqualTo(0x0017);
  }

  @Test
  void garbageOrTruncated_isUnknownNotAnError() {
    assertThat(ServerHelloParser.parse(bytes(0x16, 0x03, 0x03, 0x40, 0x00, 0x02, 0x00)).suite())
        .isEqualTo(-1);
    assertThat(ServerHelloParser.parse(bytes(0x48, 0x54, 0x54, 0x50)).group()).isEqualTo(-1);
    assertThat(ServerHelloParser.parse(new byte[0]).version()).isEqualTo(-1);
  }
}
