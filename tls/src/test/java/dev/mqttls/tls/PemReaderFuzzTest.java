package dev.mqttls.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer target for {@link PemReader}: whatever a certificate, key or CRL file holds, reading it
 * yields material or a {@link TlsMaterialException}; any other exception is a finding. Seeds are
 * real files made by the openssl CLI (certificates, PKCS#8, PKCS#1, SEC1 with parameters, an
 * encrypted PKCS#8 key, a CRL). The password is "fuzz" so the encrypted seed gets past decryption.
 */
class PemReaderFuzzTest {
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempFile("pem-fuzz", ".pem");
      FILE.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "4m")
  void read(byte[] input) throws IOException {
    Files.write(FILE, input);
    try {
      PemReader.readCertificates(FILE);
    } catch (TlsMaterialException expected) {
      // the documented refusal
    }
    try {
      PemReader.readPrivateKey(FILE, "fuzz".toCharArray());
    } catch (TlsMaterialException expected) {
      // the documented refusal
    }
    try {
      PemReader.readPrivateKey(FILE, null);
    } catch (TlsMaterialException expected) {
      // the documented refusal
    }
    try {
      PemReader.readCrls(FILE);
    } catch (TlsMaterialException expected) {
      // the documented refusal
    }
  }
}
