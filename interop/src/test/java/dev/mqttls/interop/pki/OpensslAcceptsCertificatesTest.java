package dev.mqttls.interop.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.pki.CaOptions;
import dev.mqttls.pki.CertificateAuthority;
import dev.mqttls.pki.DeviceOptions;
import dev.mqttls.pki.IssuedCertificate;
import dev.mqttls.pki.KeyType;
import dev.mqttls.pki.RevocationReason;
import dev.mqttls.pki.ServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** OpenSSL, a verifier we did not write, accepts what our CA issues and reads its CRL. */
class OpensslAcceptsCertificatesTest {
  private static final String OPENSSL = "/usr/bin/openssl";
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @BeforeAll
  static void opensslInstalled() {
    assumeTrue(Exec.installed(OPENSSL), "openssl is not installed: run ./test.sh");
  }

  static Stream<Arguments> cas() {
    return Stream.of(
        Arguments.of(KeyType.EC_P256, false),
        Arguments.of(KeyType.EC_P256, true),
        Arguments.of(KeyType.RSA_2048, false),
        Arguments.of(KeyType.RSA_3072, true));
  }

  private Exec.Result openssl(String... args) {
    List<String> cmd = Exec.list(OPENSSL);
    cmd.addAll(List.of(args));
    return Exec.run(T, tmp, cmd);
  }

  /**
   * openssl verify with the root as the only trust anchor; the chain file brings the intermediate.
   */
  private Exec.Result verify(CertificateAuthority ca, Path certFile, String... extra) {
    List<String> cmd = Exec.list(OPENSSL, "verify", "-CAfile", ca.certificateFile().toString());
    cmd.addAll(List.of(extra));
    if (ca.intermediate().isPresent()) {
      cmd.addAll(List.of("-untrusted", ca.directory().resolve("intermediate.crt").toString()));
    }
    cmd.add(certFile.toString());
    return Exec.run(T, tmp, cmd);
  }

  @ParameterizedTest(name = "{0}, intermediate={1}")
  @MethodSource("cas")
  void verify_acceptsServerDeviceAndCsrCertificates_showsSansAndEkus(
      KeyType type, boolean intermediate) throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.init(
            tmp.resolve("pki"),
            CaOptions.defaults().withKeyType(type).withIntermediate(intermediate));
    IssuedCertificate server =
        ca.issueServer(
            "broker.local",
            ServerOptions.defaults()
                .withDnsNames(List.of("localhost"))
                .withIpAddresses(List.of("127.0.0.1", "192.168.0.111")));
    IssuedCertificate device = ca.issueDevice("sensor-1", DeviceOptions.defaults());
    // A CSR made by OpenSSL itself, as a device toolchain would.
    Exec.Result req =
        openssl(
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "dev.key",
            "-subj",
            "/CN=from-openssl",
            "-out",
            "dev.csr");
    assertThat(req.exitCode()).as(req.toString()).isZero();
    IssuedCertificate fromCsr =
        ca.signCsr(
            "csr-device", Files.readAllBytes(tmp.resolve("dev.csr")), DeviceOptions.defaults());

    for (IssuedCertificate c : List.of(server, device, fromCsr)) {
      Exec.Result r =
          verify(ca, c.certificateFile(), "-purpose", c == server ? "sslserver" : "sslclient");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.output()).contains(": OK");
    }
    // The private key openssl made matches the certificate we signed from its CSR.
    Exec.Result pub1 = openssl("pkey", "-in", "dev.key", "-pubout");
    Exec.Result pub2 =
        openssl("x509", "-in", fromCsr.certificateFile().toString(), "-noout", "-pubkey");
    assertThat(pub2.output()).isEqualTo(pub1.output());

    Exec.Result text =
        openssl("x509", "-in", server.certificateFile().toString(), "-noout", "-text");
    assertThat(text.output())
        .contains(
            "DNS:broker.local", "DNS:localhost", "IP Address:127.0.0.1", "IP Address:192.168.0.111")
        .contains("TLS Web Server Authentication")
        .contains("CA:FALSE");
    Exec.Result devText =
        openssl("x509", "-in", device.certificateFile().toString(), "-noout", "-text");
    assertThat(devText.output())
        .contains("Subject: CN = sensor-1", "TLS Web Client Authentication");
    assertThat(devText.output()).doesNotContain("TLS Web Server Authentication");
    // A server certificate is not a client certificate and vice versa.
    assertThat(verify(ca, device.certificateFile(), "-purpose", "sslserver").exitCode())
        .isNotZero();
  }

  @ParameterizedTest(name = "{0}, intermediate={1}")
  @MethodSource("cas")
  void crl_readByOpenssl_revokedDeviceFailsCrlCheck(KeyType type, boolean intermediate) {
    CertificateAuthority ca =
        CertificateAuthority.init(
            tmp.resolve("pki"),
            CaOptions.defaults().withKeyType(type).withIntermediate(intermediate));
    IssuedCertificate good = ca.issueDevice("good", DeviceOptions.defaults());
    IssuedCertificate bad = ca.issueDevice("bad", DeviceOptions.defaults());
    ca.revoke("bad", RevocationReason.KEY_COMPROMISE);

    Exec.Result crl = openssl("crl", "-in", ca.crlFile().toString(), "-noout", "-text");
    assertThat(crl.exitCode()).as(crl.toString()).isZero();
    assertThat(crl.output().toUpperCase()).contains(bad.serialHex().toUpperCase());
    assertThat(crl.output().toUpperCase()).doesNotContain(good.serialHex().toUpperCase());
    assertThat(crl.output()).contains("Key Compromise", "X509v3 CRL Number");

    Exec.Result okGood =
        verify(ca, good.certificateFile(), "-crl_check", "-CRLfile", ca.crlFile().toString());
    assertThat(okGood.exitCode()).as(okGood.toString()).isZero();
    Exec.Result revoked =
        verify(ca, bad.certificateFile(), "-crl_check", "-CRLfile", ca.crlFile().toString());
    assertThat(revoked.exitCode()).isNotZero();
    assertThat(revoked.output()).contains("certificate revoked");
  }

  @Test
  void foreignCa_isRejectedByOpenssl() {
    CertificateAuthority ours =
        CertificateAuthority.init(tmp.resolve("ours"), CaOptions.defaults());
    CertificateAuthority other =
        CertificateAuthority.init(tmp.resolve("other"), CaOptions.defaults());
    IssuedCertificate d = other.issueDevice("d", DeviceOptions.defaults());
    Exec.Result r = verify(ours, d.certificateFile());
    assertThat(r.exitCode()).isNotZero();
  }
}
