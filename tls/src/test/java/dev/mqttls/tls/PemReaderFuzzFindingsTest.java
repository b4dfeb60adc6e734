package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs {@link PemReaderFuzzTest} found that made {@link PemReader} throw something other than
 * {@link TlsMaterialException}. Each is refused naming the file, whichever reader meets it.
 */
class PemReaderFuzzFindingsTest {
  @TempDir Path dir;

  /**
   * Jazzer's crash-d8fcc49f (2026-12-07): an SEC1 EC key whose base64 holds bytes 0x9c 0x8f 0xad
   * 0xb0. Read as US-ASCII they become U+FFFD, and Bouncy Castle's base64 decoder indexed its
   * 128-entry table with 65533: ArrayIndexOutOfBoundsException inside a DecoderException.
   */
  private static final byte[] NON_ASCII_IN_BASE64 =
      Base64.getDecoder()
          .decode(
              "LS0tLS1CRUdJTiBFQyBQQVJBTUVURVJTLS0tLS0KQmdncWhrak9QUU1CQnc9PQotLS0tLUVORCBF"
                  + "QyBQQVJBTUVURVJTLS0tLS0KLS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVF"
                  + "SU1Ub01BNlFFNk5BWWxBN0tRWUhrYVlhTmdxbE1rK09mZlBtTHhyb1F0emhvQW9HQ0NxR1NNNDkK"
                  + "QXdFSG9VUURRZ0FFR1RkWlBib0lmSnRZZy91K3ByNkZCdUpKd1V5TldER0psait6SkNTeGp1MXUy"
                  + "TWtwYVJ6RApOQmJvODhpT0s3RJyPrbBaU1VValdGZFRxSEVCQ3J4ZmNRPT0KLS0tLS1FTkQgRUMg"
                  + "UFJJVkFURSBLRVktLS0tLQo=");

  /** The same fault, reduced: one non-ASCII byte inside a certificate's base64. */
  private static final byte[] NON_ASCII_IN_CERTIFICATE =
      concat(
          "-----BEGIN CERTIFICATE-----\nMII".getBytes(StandardCharsets.US_ASCII),
          new byte[] {(byte) 0x9c},
          "\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII));

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private Path file(byte[] content) throws Exception {
    return Files.write(dir.resolve("material.pem"), content);
  }

  @Test
  void nonAsciiByteInsideBase64_isRefusedAsMalformedPem_byEveryReader() throws Exception {
    for (byte[] input : new byte[][] {NON_ASCII_IN_BASE64, NON_ASCII_IN_CERTIFICATE}) {
      Path f = file(input);
      assertThatThrownBy(() -> PemReader.readCertificates(f))
          .isInstanceOf(TlsMaterialException.class)
          .hasMessageContaining("material.pem")
          .hasMessageContaining("malformed PEM block");
      assertThatThrownBy(() -> PemReader.readPrivateKey(f, null))
          .isInstanceOf(TlsMaterialException.class)
          .hasMessageContaining("malformed PEM block");
      assertThatThrownBy(() -> PemReader.readPrivateKey(f, "fuzz".toCharArray()))
          .isInstanceOf(TlsMaterialException.class)
          .hasMessageContaining("malformed PEM block");
      assertThatThrownBy(() -> PemReader.readCrls(f))
          .isInstanceOf(TlsMaterialException.class)
          .hasMessageContaining("malformed PEM block");
    }
  }

  /**
   * Jazzer's crash-169cbb2e (2026-12-07, second run): a PEM CRL whose entry length overruns the
   * CRL. Bouncy Castle parses CRL entries lazily, so the converter threw ASN1ParsingException
   * ("corrupted stream - out of bounds length found: 12 >= 11") out of {@link PemReader#readCrls}.
   */
  private static final byte[] CRL_ENTRY_LENGTH_OVERRUN =
      Base64.getDecoder()
          .decode(
              "LS0tLS1CRUdJTiBYNTA5IENSTC0tLS0tCk1JR21NRTRDQVFFd0NnWUlLb1pJemowRUF3SX"
                  + "dEekVOTUFzR0ExVUVBd3dNWm5WNmVoY05Nall4TWpBM01UTXkKTVRFMFdoY05NamN3TVRB"
                  + "Mk1UTXlNVEUwV3FBT01Bd3dDZ1lEVlIwVUJBTUNBUUV3Q2dZSUtvWkl6ajBFQXdJRApTQU"
                  + "F3UlFJaEFJZVUxVktDSkg0aGNkaW9MZ3JoelRwUEpDOGF3dndxQTZhajQwV0hkTGx3QWlB"
                  + "bmVyRnQzVmxsCmR1QkNhejgvdHMyNGhwaHNvOVR5ZExRdG1kRldFNjNuSnc9PQotLS0tLU"
                  + "VORCBYNTA5IENSTC0tLS0tCg==");

  @Test
  void crlWhoseEntryLengthOverrunsIt_isRefusedAsUnreadableCrl() throws Exception {
    Path f = file(CRL_ENTRY_LENGTH_OVERRUN);
    assertThatThrownBy(() -> PemReader.readCrls(f))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("material.pem")
        .hasMessageContaining("not a readable CRL");
  }
}
