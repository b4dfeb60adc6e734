package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.RenewOptions;
import dev.mqttls.pki.Retirement;
import dev.mqttls.pki.Rollover;
import dev.mqttls.pki.ServerOptions;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A CA rollover as docs/ca-rollover.md walks through it, against our broker and against Debian's
 * Mosquitto given the same files ({@code cafile} = the bundle, {@code crlfile} = the CRL of both
 * CAs): during the overlap a device of the old CA (which trusts only the old root) and a device of
 * the new CA (which trusts only the new root) both publish with mosquitto_pub over mutual TLS;
 * after {@code retire-old} and a broker restart the old device is refused and the new one still
 * works.
 */
class CaRolloverTest {
  private static final Duration T = Duration.ofSeconds(20);

  @TempDir Path tmp;

  /** A broker of either kind, started on the CA's files and restartable. */
  private interface Broker extends AutoCloseable {
    int port();

    @Override
    void close();
  }

  private static Broker start(String kind, List<String> tlsLines) {
    if (kind.equals("mqttls")) {
      String[] lines =
          java.util.stream.Stream.concat(
                  java.util.stream.Stream.of("listener 0 127.0.0.1"), tlsLines.stream())
              .toArray(String[]::new);
      EmbeddedBroker b = EmbeddedBroker.start(lines);
      return new Broker() {
        @Override
        public int port() {
          return b.port();
        }

        @Override
        public void close() {
          b.close();
        }
      };
    }
    MosquittoProcess.Builder builder = MosquittoProcess.builder();
    tlsLines.forEach(builder::listenerLine);
    MosquittoProcess m = builder.start();
    return new Broker() {
      @Override
      public int port() {
        return m.port();
      }

      @Override
      public void close() {
        m.close();
      }
    };
  }

  private static MosquittoClients.Result publish(int port, Path trust, IssuedCertificate d) {
    return MosquittoClients.run(
        T,
        "mosquitto_pub",
        "-h",
        "localhost",
        "-p",
        port,
        "--cafile",
        trust,
        "--cert",
        d.certificateFile(),
        "--key",
        d.keyFile().orElseThrow(),
        "-t",
        "rollover/" + d.id(),
        "-m",
        "hello",
        "-q",
        "1",
        "-i",
        d.id());
  }

  private static Path pem(Path file, X509Certificate c) throws Exception {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(c.getEncoded());
    Files.writeString(
        file, "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n");
    return file;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mqttls", "mosquitto"})
  void oldAndNewDevicesDuringOverlap_oldRefusedAfterRetirement(String kind) throws Exception {
    assumeTrue(MosquittoClients.isInstalled(), "mosquitto-clients missing: run ./test.sh");
    assumeTrue(kind.equals("mqttls") || MosquittoProcess.isInstalled(), "mosquitto missing");
    Path dir = tmp.resolve("pki");
    CertificateAuthority ca = CertificateAuthority.init(dir, CaOptions.defaults());
    ca.issueServer(
        "localhost",
        ServerOptions.defaults()
            .withDnsNames(List.of("localhost"))
            .withIpAddresses(List.of("127.0.0.1")));
    IssuedCertificate oldDevice = ca.issueDevice("old-dev", DeviceOptions.defaults());
    Path oldRoot = pem(tmp.resolve("old-root.pem"), ca.certificate());

    // Day 0: the new CA issues; the server certificate is renewed under it (with the cross cert).
    Rollover r = ca.rollover(ca.nextGeneration());
    assertThat(r.crossCertificate()).isPresent();
    ca = r.ca();
    ca.renew("localhost", RenewOptions.defaults().withRekey());
    IssuedCertificate newDevice = ca.issueDevice("new-dev", DeviceOptions.defaults());
    Path newRoot = pem(tmp.resolve("new-root.pem"), ca.certificate());
    assertThat(Files.readString(newRoot)).isNotEqualTo(Files.readString(oldRoot));

    List<String> tls =
        List.of(
            "cafile " + ca.certificateFile(),
            "certfile " + dir.resolve("certs/localhost.crt"),
            "keyfile " + dir.resolve("private/localhost.key"),
            "crlfile " + ca.crlFile(),
            "require_certificate true",
            "use_identity_as_username true");
    try (Broker b = start(kind, tls)) {
      MosquittoClients.Result old = publish(b.port(), oldRoot, oldDevice);
      assertThat(old.exitCode()).as("old device during the overlap: " + old).isZero();
      MosquittoClients.Result neu = publish(b.port(), newRoot, newDevice);
      assertThat(neu.exitCode()).as("new device during the overlap: " + neu).isZero();
    }

    Retirement retired = ca.retirePrevious(true);
    assertThat(retired.stillUnderRetired()).containsExactly("old-dev");
    try (Broker b = start(kind, tls)) {
      MosquittoClients.Result old = publish(b.port(), oldRoot, oldDevice);
      assertThat(old.exitCode()).as("old device after retirement: " + old).isNotZero();
      MosquittoClients.Result neu = publish(b.port(), newRoot, newDevice);
      assertThat(neu.exitCode()).as("new device after retirement: " + neu).isZero();
    }
  }
}
