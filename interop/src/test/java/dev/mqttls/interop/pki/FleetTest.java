package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of 10,000 devices in one call (what {@code pki device --count 10000} does for bench):
 * every certificate and key is written and indexed, and OpenSSL accepts a sample. The elapsed time
 * is printed for the record, not asserted: tests check behaviour, never timings.
 */
class FleetTest {
  @TempDir Path tmp;

  @Test
  void tenThousandDevices_allWrittenIndexedAndVerifiable() throws Exception {
    CertificateAuthority ca = CertificateAuthority.init(tmp.resolve("pki"), CaOptions.defaults());
    long start = System.nanoTime();
    List<IssuedCertificate> fleet = ca.issueDevices("dev-", 10_000, DeviceOptions.defaults());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("FleetTest: 10000 ECDSA device certificates in " + took.toMillis() + " ms");

    assertThat(fleet).hasSize(10_000);
    assertThat(fleet.get(9_999).id()).isEqualTo("dev-10000");
    assertThat(fleet.stream().map(IssuedCertificate::serial).distinct().count()).isEqualTo(10_000);
    assertThat(CertificateAuthority.open(tmp.resolve("pki")).list()).hasSize(10_000);
    try (Stream<Path> certs = Files.list(tmp.resolve("pki/certs"));
        Stream<Path> keys = Files.list(tmp.resolve("pki/private"))) {
      assertThat(certs.count()).isEqualTo(10_000);
      assertThat(keys.count()).isEqualTo(10_000);
    }
    assumeTrue(Exec.installed("/usr/bin/openssl"), "openssl missing: run ./test.sh");
    for (int i : new int[] {1, 4_999, 10_000}) {
      Exec.Result r =
          Exec.run(
              Duration.ofSeconds(30),
              tmp,
              "/usr/bin/openssl",
              "verify",
              "-CAfile",
              ca.certificateFile().toString(),
              tmp.resolve("pki/certs/dev-" + i + ".crt").toString());
      assertThat(r.exitCode()).as(r.toString()).isZero();
    }
  }
}
