package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.pki.ExportFormat;
import dev.mqttls.pki.ExportOptions;
import dev.mqttls.testing.pki.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code zephyr} header compiles with gcc and each macro is exactly the PEM file. */
class ZephyrHeaderTest {
  @TempDir Path tmp;

  private static final String PROGRAM =
      """
      #include <stdio.h>
      #include <string.h>
      #include "certificates.h"
      /* Writes one macro to a file, byte for byte, the way modem_key_mgmt_write(tag, type,
         CA_CERTIFICATE, strlen(CA_CERTIFICATE)) hands it to the modem. */
      static int dump(const char *name, const char *pem) {
        FILE *f = fopen(name, "wb");
        if (!f) return 1;
        fwrite(pem, 1, strlen(pem), f);
        return fclose(f);
      }
      int main(void) {
        return dump("ca.out", CA_CERTIFICATE) | dump("cert.out", CLIENT_CERTIFICATE)
            | dump("key.out", PRIVATE_KEY) | dump("named.out", MY_CA);
      }
      """;

  @Test
  void zephyrMacros_compileAndEqualThePemFiles() throws Exception {
    assumeTrue(Exec.installed("/usr/bin/gcc"), "gcc missing: run ./test.sh");
    TestPki pki = TestPki.create(tmp, dev.mqttls.pki.KeyType.EC_P256, true);
    TestPki.Device d = pki.device("nrf9160-1");
    String header =
        new String(
                pki.ca()
                    .export("nrf9160-1", ExportOptions.of(ExportFormat.ZEPHYR).withKey(true), null))
            + new String(
                pki.ca()
                    .export("ca", ExportOptions.of(ExportFormat.ZEPHYR).withSymbol("MY_CA"), null));
    Path dir = tmp.resolve("c");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("certificates.h"), header);
    Files.writeString(dir.resolve("main.c"), PROGRAM);
    Exec.Result cc =
        Exec.run(
            Duration.ofSeconds(60),
            dir,
            "/usr/bin/gcc",
            "-std=c99",
            "-Wall",
            "-Werror",
            "-pedantic",
            "-o",
            "dump",
            "main.c");
    assertThat(cc.exitCode()).as(cc.toString()).isZero();
    Exec.Result run = Exec.run(Duration.ofSeconds(30), dir, dir.resolve("dump").toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(Files.readAllBytes(dir.resolve("ca.out")))
        .isEqualTo(Files.readAllBytes(pki.caFile()));
    assertThat(Files.readAllBytes(dir.resolve("named.out")))
        .isEqualTo(Files.readAllBytes(pki.caFile()));
    assertThat(Files.readAllBytes(dir.resolve("cert.out"))).isEqualTo(Files.readAllBytes(d.cert()));
    assertThat(Files.readAllBytes(dir.resolve("key.out"))).isEqualTo(Files.readAllBytes(d.key()));
  }
}
