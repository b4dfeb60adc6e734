package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing certfile, cafile or crlfile on disk takes effect for new connections without a restart;
 * a broken replacement keeps the old material with one log line.
 */
class ReloadTest {
  @TempDir Path dir;

  @BeforeAll
  static void fastWatcher() {
    // read by MaterialWatcher's static initialiser; other tests do not depend on the period
    System.setProperty("mqttls.tls.watchMillis", "100");
  }

  private static X509Certificate served(TlsFixture f, int port) throws Exception {
    SSLContext ctx = TlsFixture.clientContext(f.ca, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  private static void replace(Path target, String content) throws Exception {
    // write aside and rename, as deployment tools do, so the watcher never sees half a file
    Path tmp = target.resolveSibling(target.getFileName() + ".new");
    Files.writeString(tmp, content);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void awaitServed(TlsFixture f, int port, String cn) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String last = null;
    while (System.nanoTime() < deadline) {
      last = served(f, port).getSubjectX500Principal().getName();
      if (last.equals("CN=" + cn)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("still serving " + last + " after 10 s");
  }

  @Test
  void certAndKeyReplaced_newConnectionsGetNewCertificate() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server = new TlsTestServer(ServerTls.open(f.settings().build(), "8883"))) {
      assertThat(served(f, server.port()).getSubjectX500Principal().getName())
          .isEqualTo("CN=localhost");
      TestPki.Issued next = TestPki.server(f.ca, "renewed", "localhost");
      replace(f.keyFile, TestPki.pkcs8(next.keys().getPrivate()));
      replace(f.certFile, TestPki.pem(next.cert()));
      awaitServed(f, server.port(), "renewed");
      log.await("TLS material reloaded (certificate CN=renewed");
    }
  }

  @Test
  void brokenReplacement_keepsOldMaterialWithOneLine() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server = new TlsTestServer(ServerTls.open(f.settings().build(), "8883"))) {
      // a new certificate without its key: the pair no longer matches
      TestPki.Issued next = TestPki.server(f.ca, "half-deployed", "localhost");
      replace(f.certFile, TestPki.pem(next.cert()));
      log.await(
          "TLS reload refused, keeping the previous material",
          "server.key: private key does not match the certificate in");
      assertThat(served(f, server.port()).getSubjectX500Principal().getName())
          .isEqualTo("CN=localhost");
      // and a garbage file
      replace(f.certFile, "not a certificate\n");
      assertThat(server.tls.reload()).isFalse();
      assertThat(served(f, server.port()).getSubjectX500Principal().getName())
          .isEqualTo("CN=localhost");
    }
  }

  @Test
  void crlReplaced_revokedDeviceRefusedWithoutRestart() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "dev-5");
    Path crl =
        TestPki.write(
            dir.resolve("ca.crl"),
            TestPki.pem(TestPki.crl(f.ca, Instant.now().plus(Duration.ofDays(7)))));
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(
                ServerTls.open(
                    f.mutual().directive("crlfile", List.of("ca.crl")).build(), "8883"))) {
      SSLContext ctx = TlsFixture.clientContext(f.ca, dev);
      assertThat(TlsFixture.roundTrip(ctx, server.port())).isNull();
      replace(
          crl, TestPki.pem(TestPki.crl(f.ca, Instant.now().plus(Duration.ofDays(7)), dev.cert())));
      log.await("TLS material reloaded");
      assertThat(TlsFixture.roundTrip(ctx, server.port())).isNotNull();
      log.await("client certificate CN=dev-5 revoked");
      // a CRL signed by another CA is refused as a whole; the current CRL stays
      TestPki.Issued rogue = TestPki.ca("Test CA"); // same name, other key
      replace(crl, TestPki.pem(TestPki.crl(rogue, Instant.now().plus(Duration.ofDays(7)))));
      log.await("TLS reload refused", "is not signed by a CA in cafile/capath");
      assertThat(TlsFixture.roundTrip(ctx, server.port())).isNotNull();
    }
  }

  @Test
  void cafileReplaced_devicesOfNewCaAccepted() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued newCa = TestPki.ca("New CA");
    TestPki.Issued dev = TestPki.device(newCa, "dev-n");
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server = new TlsTestServer(ServerTls.open(f.mutual().build(), "8883"))) {
      SSLContext ctx = TlsFixture.clientContext(f.ca, dev);
      assertThat(TlsFixture.roundTrip(ctx, server.port())).isNotNull();
      replace(f.caFile, TestPki.pem(f.ca.cert(), newCa.cert()));
      log.await("TLS material reloaded");
      assertThat(TlsFixture.roundTrip(ctx, server.port())).isNull();
    }
  }

  @Test
  void expiredCrl_warnPolicy_loadsWithWarning_refusePolicy_refusesDevices() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "dev-c");
    TestPki.write(
        dir.resolve("old.crl"),
        TestPki.pem(TestPki.crl(f.ca, Instant.now().minus(Duration.ofDays(1)))));
    try (LogRecorder log = new LogRecorder();
        TlsTestServer warn =
            new TlsTestServer(
                ServerTls.open(
                    f.mutual().directive("crlfile", List.of("old.crl")).build(), "8883"));
        TlsTestServer refuse =
            new TlsTestServer(
                ServerTls.open(
                    f.mutual()
                        .directive("crlfile", List.of("old.crl"))
                        .directive("crl_expired", List.of("refuse"))
                        .build(),
                    "8884"))) {
      log.await("crlfile", "old.crl", "expired");
      SSLContext ctx = TlsFixture.clientContext(f.ca, dev);
      assertThat(TlsFixture.roundTrip(ctx, warn.port())).isNull();
      assertThat(TlsFixture.roundTrip(ctx, refuse.port())).isNotNull();
      assertThat(refuse.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.CRL_EXPIRED);
    }
  }

  @Test
  void revokedAfterTicketIssued_resumptionRefused() throws Exception {
    for (TlsEngine e : new TlsEngine[] {TlsEngine.OPENSSL, TlsEngine.JDK}) {
      Path d = java.nio.file.Files.createDirectories(dir.resolve(e.directiveName()));
      TlsFixture f = new TlsFixture(d);
      TestPki.Issued dev = TestPki.device(f.ca, "dev-t");
      TestPki.writePair(d, "dev", dev);
      Path crl =
          TestPki.write(
              d.resolve("ca.crl"),
              TestPki.pem(TestPki.crl(f.ca, Instant.now().plus(Duration.ofDays(7)))));
      try (LogRecorder log = new LogRecorder();
          TlsTestServer server =
              new TlsTestServer(
                  ServerTls.open(
                      f.mutual()
                          .directive("crlfile", List.of("ca.crl"))
                          .directive("tls_engine", List.of(e.directiveName()))
                          .build(),
                      "8883"))) {
        String first =
            SClient.run(
                d,
                server.port(),
                "-CAfile",
                "ca.crt",
                "-cert",
                "dev.crt",
                "-key",
                "dev.key",
                "-tls1_2",
                "-sess_out",
                "sess");
        assertThat(first).contains("New, TLSv1.2");
        server.next(TlsSessionEstablished.class);
        replace(
            crl,
            TestPki.pem(TestPki.crl(f.ca, Instant.now().plus(Duration.ofDays(7)), dev.cert())));
        log.await("TLS material reloaded");
        String second =
            SClient.run(
                d,
                server.port(),
                "-CAfile",
                "ca.crt",
                "-cert",
                "dev.crt",
                "-key",
                "dev.key",
                "-tls1_2",
                "-sess_in",
                "sess");
        if (e == TlsEngine.OPENSSL) {
          // ticket keys outlive a reload; the JDK engine's session cache does not (new context),
          // so there the device gets a full handshake, refused inside it
          assertThat(second).contains("Reused, TLSv1.2");
        }
        TlsHandshakeFailed failed = server.next(TlsHandshakeFailed.class);
        assertThat(failed.cause())
            .as(e.toString())
            .isEqualTo(HandshakeFailureCause.CLIENT_CERT_REVOKED);
      }
    }
  }
}
