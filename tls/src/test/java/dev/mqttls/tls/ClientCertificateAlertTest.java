package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The alert a refused device receives names the refusal, as Mosquitto's does (the doctor and the
 * device's own error code depend on it), while the log keeps the named cause. Debian's {@code
 * openssl s_client} is the device, over TLS 1.2 and 1.3, on both engines.
 */
class ClientCertificateAlertTest {
  @TempDir Path dir;

  /** Why the device is refused; the alert each engine sends for it. */
  enum Refusal {
    UNTRUSTED_ISSUER(
        HandshakeFailureCause.CLIENT_CERT_UNTRUSTED_ISSUER, "alert unknown ca", "alert unknown ca"),
    REVOKED(
        HandshakeFailureCause.CLIENT_CERT_REVOKED,
        "alert certificate revoked",
        "alert certificate revoked"),
    EXPIRED(
        HandshakeFailureCause.CLIENT_CERT_EXPIRED,
        "alert certificate expired",
        "alert certificate expired"),
    NOT_YET_VALID(
        HandshakeFailureCause.CLIENT_CERT_NOT_YET_VALID,
        "alert certificate expired",
        "alert certificate expired"),
    WRONG_USAGE(
        HandshakeFailureCause.CLIENT_CERT_INVALID,
        "alert unsupported certificate",
        "alert unsupported certificate"),
    NO_IDENTITY(
        HandshakeFailureCause.CLIENT_CERT_NO_IDENTITY,
        "alert bad certificate",
        "alert bad certificate"),
    CRL_EXPIRED(
        HandshakeFailureCause.CRL_EXPIRED,
        "alert certificate unknown",
        "alert certificate unknown"),
    NO_CERTIFICATE(
        HandshakeFailureCause.NO_CLIENT_CERTIFICATE,
        "alert handshake failure",
        "alert certificate required");

    final HandshakeFailureCause cause;
    final String opensslTls12;
    final String opensslTls13;

    Refusal(HandshakeFailureCause cause, String opensslTls12, String opensslTls13) {
      this.cause = cause;
      this.opensslTls12 = opensslTls12;
      this.opensslTls13 = opensslTls13;
    }

    /**
     * SunJSSE sends certificate_unknown for every refusal by the trust manager and bad_certificate
     * for a missing certificate, whatever the exception says (CertificateMessage.checkClientCerts).
     */
    String expected(TlsEngine e, String version) {
      if (e == TlsEngine.JDK) {
        if (this == NO_CERTIFICATE) {
          return "alert bad certificate";
        }
        // in TLS 1.2 the alert is in clear and Tls12AlertNamer names the refusal
        return version.equals("-tls1_2") ? opensslTls12 : "alert certificate unknown";
      }
      return version.equals("-tls1_2") ? opensslTls12 : opensslTls13;
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.MethodSource("cases")
  void refusedDevice_receivesNamingAlert_logKeepsCause(TlsEngine e, Refusal r) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    ServerTlsSettings.Builder b = f.mutual().directive("tls_engine", List.of(e.directiveName()));
    TestPki.Issued device = device(f, r);
    if (r == Refusal.REVOKED) {
      TestPki.write(
          dir.resolve("ca.crl"),
          TestPki.pem(TestPki.crl(f.ca, Instant.now().plus(Duration.ofDays(7)), device.cert())));
      b.directive("crlfile", List.of("ca.crl"));
    }
    if (r == Refusal.CRL_EXPIRED) {
      TestPki.write(
          dir.resolve("ca.crl"),
          TestPki.pem(TestPki.crl(f.ca, Instant.now().minus(Duration.ofMinutes(1)))));
      b.directive("crlfile", List.of("ca.crl")).directive("crl_expired", List.of("refuse"));
    }
    if (r == Refusal.NO_IDENTITY) {
      b.directive("cert_identity", List.of("san-uri"));
    }
    List<String> args = new ArrayList<>(List.of("-CAfile", "ca.crt"));
    if (device != null) {
      TestPki.writePair(dir, "dev", device);
      args.addAll(List.of("-cert", "dev.crt", "-key", "dev.key"));
    }
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server = new TlsTestServer(ServerTls.open(b.build(), "8883"))) {
      for (String version : List.of("-tls1_2", "-tls1_3")) {
        List<String> a = new ArrayList<>(args);
        a.add(version);
        String out = SClient.run(dir, server.port(), a.toArray(String[]::new));
        assertThat(out)
            .as(version + " on " + e)
            .contains(r.expected(e, version))
            .doesNotContain("internal error")
            .doesNotContain("ping-echo");
        assertThat(server.next(TlsHandshakeFailed.class).cause())
            .as(version + " on " + e)
            .isEqualTo(r.cause);
        log.await("(" + r.cause.name() + ")");
      }
      assertThat(server.tls.sightings().size()).isZero();
    }
  }

  static List<org.junit.jupiter.params.provider.Arguments> cases() {
    List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
    for (TlsEngine e : new TlsEngine[] {TlsEngine.OPENSSL, TlsEngine.JDK}) {
      for (Refusal r : Refusal.values()) {
        out.add(org.junit.jupiter.params.provider.Arguments.of(e, r));
      }
    }
    return out;
  }

  private static TestPki.Issued device(TlsFixture f, Refusal r) {
    Instant now = Instant.now();
    switch (r) {
      case UNTRUSTED_ISSUER:
        return TestPki.device(TestPki.ca("Stranger CA"), "dev-stranger");
      case REVOKED:
        return TestPki.device(f.ca, "dev-revoked");
      case EXPIRED:
        return TestPki.issue(
            "dev-old",
            TestPki.keys("P-256"),
            f.ca,
            false,
            List.of(),
            now.minus(Duration.ofDays(30)),
            now.minus(Duration.ofDays(1)));
      case NOT_YET_VALID:
        return TestPki.issue(
            "dev-future",
            TestPki.keys("P-256"),
            f.ca,
            false,
            List.of(),
            now.plus(Duration.ofDays(1)),
            now.plus(Duration.ofDays(30)));
      case NO_IDENTITY:
        return TestPki.device(f.ca, "dev-without-uri");
      case CRL_EXPIRED:
        return TestPki.device(f.ca, "dev-current");
      case WRONG_USAGE:
        return TestPki.serverAuthOnlyDevice(f.ca, "dev-server-usage");
      default:
        return null;
    }
  }
}
