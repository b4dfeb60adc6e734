package dev.mqttls.cli.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.ServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mqttls provision} against a broker started from a file the way {@code mqttls broker -c}
 * starts it (with the provisioning service from {@link ProvisioningLauncher}).
 */
class ProvisionCommandTest {
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ProvisionCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void provisionsOverMqtt_writesCertificateAndKey_thenTheSameIdIsRefusedWithExitCode6()
      throws Exception {
    CertificateAuthority ca = CertificateAuthority.init(dir.resolve("pki"), CaOptions.defaults());
    IssuedCertificate server =
        ca.issueServer(
            "localhost",
            ServerOptions.defaults()
                .withDnsNames(List.of("localhost"))
                .withIpAddresses(List.of("127.0.0.1")));
    IssuedCertificate claim = ca.issueDevice("factory-claim", DeviceOptions.defaults());
    Path conf =
        Files.writeString(
            dir.resolve("broker.conf"),
            String.join(
                "\n",
                "listener 0 127.0.0.1",
                "cafile pki/ca.crt",
                "certfile " + server.certificateFile(),
                "keyfile " + server.keyFile().orElseThrow(),
                "require_certificate true",
                "use_identity_as_username true",
                "provision_ca_dir pki",
                "provision_claim_identity factory-claim",
                "provision_id_pattern sensor-[0-9]+",
                ""));
    try (Broker broker = Broker.start(BrokerConfig.parse(conf));
        AutoCloseable service = ProvisioningLauncher.start(broker)) {
      String port = String.valueOf(broker.address(0).getPort());
      String[] common = {
        "-h",
        "localhost",
        "-p",
        port,
        "--cafile",
        ca.certificateFile().toString(),
        "--cert",
        claim.certificateFile().toString(),
        "--key",
        claim.keyFile().orElseThrow().toString()
      };
      Path cert = dir.resolve("out/sensor-1.crt");
      Path key = dir.resolve("out/sensor-1.key");
      Run ok =
          run(
              concat(
                  common, "sensor-1", "--out-cert", cert.toString(), "--out-key", key.toString()));
      assertThat(ok.exit()).as(ok.toString()).isZero();
      assertThat(ok.out()).startsWith("sensor-1: certificate serial ").contains("sensor-1.crt");
      assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(Files.readString(key)).contains("PRIVATE KEY");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
          .isEqualTo("rw-------");
      assertThat(ca.find("sensor-1")).isPresent();

      Run again = run(concat(common, "sensor-1", "--out-cert", dir.resolve("x.crt").toString()));
      assertThat(again.exit()).as(again.toString()).isEqualTo(6);
      assertThat(again.err()).contains("mqttls provision: refused: id-taken:");

      Run badId = run(concat(common, "no/slash"));
      assertThat(badId.exit()).as(badId.toString()).isEqualTo(2);
      assertThat(badId.err()).contains("deviceId must be");
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
