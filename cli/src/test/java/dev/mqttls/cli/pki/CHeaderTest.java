package dev.mqttls.cli.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.cli.TestProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mqttls pki export --format c-header} as firmware uses it: a header included from several
 * {@code .c} files of one program, compiled with gcc and linked against Debian's mbedTLS 2.28.
 */
class CHeaderTest {
  private static final Path MBEDTLS_HEADER = Path.of("/usr/include/mbedtls/x509_crt.h");
  private static final Path GCC = Path.of("/usr/bin/gcc");

  /** Parses the CA (and, when the header has them, the device certificate and key). */
  private static final String TLS_C =
      """
      #include <stdio.h>
      #include <string.h>
      #include "mbedtls/x509_crt.h"
      #include "mbedtls/pk.h"
      #include "certs.h"

      int parse_in_tls_c(void) {
        mbedtls_x509_crt ca;
        mbedtls_x509_crt_init(&ca);
        /* _len counts the terminating NUL: that NUL is what makes mbedTLS read PEM. */
        int ret = mbedtls_x509_crt_parse(&ca, (const unsigned char *) mqttls_ca_cert, mqttls_ca_cert_len);
        if (ret != 0) { printf("tls.c: CA parse failed -0x%04x\\n", -ret); return 1; }
        char subject[256];
        mbedtls_x509_dn_gets(subject, sizeof subject, &ca.subject);
        printf("tls.c: CA %s\\n", subject);
        mbedtls_x509_crt_free(&ca);
      #ifdef WITH_DEVICE
        mbedtls_x509_crt own; mbedtls_pk_context key;
        mbedtls_x509_crt_init(&own); mbedtls_pk_init(&key);
        ret = mbedtls_x509_crt_parse(&own, (const unsigned char *) mqttls_device_cert, mqttls_device_cert_len);
        if (ret != 0) { printf("tls.c: device parse failed -0x%04x\\n", -ret); return 1; }
        ret = mbedtls_pk_parse_key(&key, (const unsigned char *) mqttls_device_key, mqttls_device_key_len, NULL, 0);
        if (ret != 0) { printf("tls.c: key parse failed -0x%04x\\n", -ret); return 1; }
        printf("tls.c: device certificate and key parsed\\n");
        mbedtls_x509_crt_free(&own); mbedtls_pk_free(&key);
      #endif
        return 0;
      }
      """;

  /** A second translation unit using the same arrays, plus one that includes them unused. */
  private static final String MAIN_C =
      """
      #include <stdio.h>
      #include "mbedtls/x509_crt.h"
      #include "certs.h"

      int parse_in_tls_c(void);

      int main(void) {
        mbedtls_x509_crt ca;
        mbedtls_x509_crt_init(&ca);
        int ret = mbedtls_x509_crt_parse(&ca, (const unsigned char *) mqttls_ca_cert, mqttls_ca_cert_len);
        if (ret != 0) { printf("main.c: CA parse failed -0x%04x\\n", -ret); return 1; }
        printf("main.c: CA parsed, %zu bytes with the NUL\\n", mqttls_ca_cert_len);
        mbedtls_x509_crt_free(&ca);
        return parse_in_tls_c();
      }
      """;

  private static final String UNUSED_C =
      """
      #include "certs.h"
      int unused_c_includes_the_header_too(void) { return 0; }
      """;

  @TempDir Path tmp;
  private TestProcesses processes;
  private PkiCli pki;

  @BeforeEach
  void setUp() {
    assumeTrue(
        Files.isRegularFile(MBEDTLS_HEADER) && Files.isExecutable(GCC),
        "gcc or libmbedtls-dev missing: run ./test.sh");
    processes = new TestProcesses(tmp);
    pki = new PkiCli(tmp.resolve("pki"));
    assertThat(pki.run("init", "--name", "Header Test CA").exit()).isZero();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (processes != null) {
      processes.close();
    }
  }

  @Test
  void caHeader_includedFromThreeFiles_compilesLinksAndParsesWithMbedtls() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ca"));
    PkiCli.Run export =
        pki.run("export", "ca", "--format", "c-header", "-o", dir.resolve("certs.h").toString());
    assertThat(export.exit()).as(export.toString()).isZero();

    TestProcesses.Result run = buildAndRun(dir, false);
    assertThat(run.output())
        .contains("main.c: CA parsed", "tls.c: CA CN=Header Test CA")
        .doesNotContain("device");
  }

  @Test
  void deviceHeaderWithKey_includedFromThreeFiles_compilesLinksAndParsesWithMbedtls()
      throws Exception {
    assertThat(pki.run("device", "sensor-1").exit()).isZero();
    Path dir = Files.createDirectories(tmp.resolve("device"));
    PkiCli.Run export =
        pki.run(
            "export",
            "sensor-1",
            "--format",
            "c-header",
            "--with-key",
            "-o",
            dir.resolve("certs.h").toString());
    assertThat(export.exit()).as(export.toString()).isZero();

    TestProcesses.Result run = buildAndRun(dir, true);
    assertThat(run.output())
        .contains("main.c: CA parsed", "tls.c: device certificate and key parsed");
  }

  /** gcc with every warning an error, three translation units, one link, then the program. */
  private TestProcesses.Result buildAndRun(Path dir, boolean withDevice) throws Exception {
    Files.writeString(dir.resolve("tls.c"), TLS_C);
    Files.writeString(dir.resolve("main.c"), MAIN_C);
    Files.writeString(dir.resolve("unused.c"), UNUSED_C);
    for (String unit : new String[] {"tls", "main", "unused"}) {
      TestProcesses.Result cc =
          processes.run(
              Duration.ofSeconds(120),
              dir,
              Map.of(),
              GCC.toString(),
              "-std=c99",
              "-Wall",
              "-Wextra",
              "-Werror",
              withDevice ? "-DWITH_DEVICE" : "-DCA_ONLY",
              "-I",
              ".",
              "-c",
              unit + ".c");
      assertThat(cc.exit()).as(cc.toString()).isZero();
    }
    TestProcesses.Result link =
        processes.run(
            Duration.ofSeconds(120),
            dir,
            Map.of(),
            GCC.toString(),
            "-o",
            "firmware",
            "main.o",
            "tls.o",
            "unused.o",
            "-lmbedtls",
            "-lmbedx509",
            "-lmbedcrypto");
    assertThat(link.exit()).as(link.toString()).isZero();
    TestProcesses.Result run =
        processes.run(Duration.ofSeconds(30), dir, Map.of(), dir.resolve("firmware").toString());
    assertThat(run.exit()).as(run.toString()).isZero();
    return run;
  }
}
