package dev.mqttls.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that come from outside (CSRs from devices, key and certificate files on disk) are refused
 * with a {@link PkiException} and its documented reason, whatever their bytes: never another
 * exception type, never a certificate.
 */
class HostileInputTest {
  @TempDir Path tmp;

  @Test
  void mutatedAndRandomCsrs_alwaysBadCsr() throws Exception {
    CertificateAuthority ca = CertificateAuthority.init(tmp.resolve("pki"), CaOptions.defaults());
    byte[] valid =
        CertificateAuthorityTest.csr(CertificateAuthorityTest.ecKeys(), "CN=x").getEncoded();
    Random random = new Random(4); // fixed seed: a failure reproduces
    for (int i = 0; i < 300; i++) {
      byte[] input;
      if (i % 3 == 0) {
        input = new byte[random.nextInt(400)];
        random.nextBytes(input);
      } else {
        input = valid.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          input[random.nextInt(input.length)] ^= (byte) (1 + random.nextInt(255));
        }
        if (i % 3 == 2) {
          input = java.util.Arrays.copyOf(input, random.nextInt(input.length));
        }
      }
      byte[] csr = input;
      try {
        ca.signCsr("fuzz-" + i, csr, DeviceOptions.defaults());
        // A flip in a part nobody checks (e.g. an unused attribute) may still be a valid CSR.
        assertThat(ca.find("fuzz-" + i)).isPresent();
      } catch (PkiException e) {
        assertThat(e.reason())
            .as("input %d", i)
            .isIn(PkiException.Reason.BAD_CSR, PkiException.Reason.INVALID_ARGUMENT);
        assertThat(tmp.resolve("pki/certs/fuzz-" + i + ".crt")).doesNotExist();
      }
    }
  }

  @Test
  void damagedCaFiles_namedReasons() throws Exception {
    Path dir = tmp.resolve("pki");
    CertificateAuthority.init(dir, CaOptions.defaults());
    String key = Files.readString(dir.resolve("ca.key"));
    String crt = Files.readString(dir.resolve("ca.crt"));
    Random random = new Random(7);
    for (int i = 0; i < 60; i++) {
      char[] k = key.toCharArray();
      int at = 28 + random.nextInt(k.length - 60);
      k[at] = (char) ('A' + random.nextInt(26));
      Files.writeString(dir.resolve("ca.key"), new String(k));
      try {
        CertificateAuthority.open(dir).issueDevice("k" + i, DeviceOptions.defaults());
        // The replacement letter may equal the original one.
      } catch (PkiException e) {
        assertThat(e.reason())
            .isIn(PkiException.Reason.CORRUPT_KEY, PkiException.Reason.KEY_MISMATCH);
      }
    }
    Files.writeString(dir.resolve("ca.key"), key);
    Files.writeString(dir.resolve("ca.crt"), crt.substring(0, crt.length() / 2));
    assertThatThrownBy(() -> CertificateAuthority.open(dir))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.CORRUPT_FILE));
    Files.write(dir.resolve("ca.crt"), "garbage".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> CertificateAuthority.open(dir))
        .isInstanceOfSatisfying(
            PkiException.class,
            e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.CORRUPT_FILE));
  }

  @Test
  void randomCertificateFiles_badInputFile() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 50; i++) {
      byte[] junk = new byte[random.nextInt(600)];
      random.nextBytes(junk);
      Path f = tmp.resolve("junk" + i + ".crt");
      Files.write(f, junk);
      assertThatThrownBy(() -> CertificateAuthority.inspect(f))
          .isInstanceOfSatisfying(
              PkiException.class,
              e -> assertThat(e.reason()).isEqualTo(PkiException.Reason.BAD_INPUT_FILE));
    }
  }
}
