package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12 item 5: a client chain of 20 certificates (Mosquitto accepts it) is accepted, and one
 * longer than {@code tls_max_chain_depth} is refused naming that cause, not an untrusted issuer.
 */
class ChainDepthTest {
  @TempDir Path dir;

  /** A device certificate under {@code intermediates} CAs below the fixture's root. */
  static TestPki.Issued deep(TestPki.Issued root, int intermediates) {
    TestPki.Issued issuer = root;
    for (int i = 1; i <= intermediates; i++) {
      issuer =
          TestPki.issue(
              "Intermediate " + i,
              TestPki.keys("P-256"),
              issuer,
              true,
              List.of(),
              Instant.now().minusSeconds(3600),
              Instant.now().plus(Duration.ofDays(365)));
    }
    return TestPki.device(issuer, "deep-device");
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void chainOf20_accepted(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    // leaf + 18 intermediates + root = 20 certificates, as Mosquitto accepts
    TestPki.Issued dev = deep(f.ca, 18);
    try (TlsTestServer server =
        new TlsTestServer(
            ServerTls.open(
                f.mutual().directive("tls_engine", List.of(e.directiveName())).build(), "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port())).isNull();
      TlsSessionEstablished ev = server.next(TlsSessionEstablished.class);
      assertThat(ev.identity().get().value()).isEqualTo("deep-device");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void chainLongerThanTheLimit_refusedAsTooLong_notAsUnknownIssuer(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = deep(f.ca, 12);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(
                ServerTls.open(
                    f.mutual()
                        .directive("tls_engine", List.of(e.directiveName()))
                        .directive("tls_max_chain_depth", List.of("10"))
                        .build(),
                    "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port()))
          .isNotNull();
      TlsHandshakeFailed ev = server.next(TlsHandshakeFailed.class);
      assertThat(ev.cause()).isEqualTo(HandshakeFailureCause.CLIENT_CERT_INVALID);
      log.await("came with a chain of more than 10 certificates (tls_max_chain_depth 10)");
    }
  }
}
