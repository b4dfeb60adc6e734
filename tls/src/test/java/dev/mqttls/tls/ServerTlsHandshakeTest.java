package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real handshakes on loopback against the listener handler, with a JDK SSLSocket as the peer. */
class ServerTlsHandshakeTest {
  @TempDir Path dir;

  private ServerTlsSettings.Builder engine(ServerTlsSettings.Builder b, TlsEngine e) {
    return b.directive("tls_engine", List.of(e.directiveName()));
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void mutualTls_validDevice_establishedWithIdentity(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "dev-1");
    try (TlsTestServer server =
        new TlsTestServer(ServerTls.open(engine(f.mutual(), e).build(), "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port())).isNull();
      TlsSessionEstablished ev = server.next(TlsSessionEstablished.class);
      assertThat(ev.identity()).isPresent();
      assertThat(ev.identity().get().value()).isEqualTo("dev-1");
      assertThat(ev.identity().get().subjectDn()).isEqualTo("CN=dev-1");
      assertThat(ev.engine()).isEqualTo(e);
      assertThat(ev.protocol()).isEqualTo("TLSv1.3");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void mutualTls_noClientCertificate_namedCause(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(ServerTls.open(engine(f.mutual(), e).build(), "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, null), server.port()))
          .isNotNull();
      TlsHandshakeFailed ev = server.next(TlsHandshakeFailed.class);
      assertThat(ev.cause()).isEqualTo(HandshakeFailureCause.NO_CLIENT_CERTIFICATE);
      log.await(
          "handshake failed: no client certificate, and this listener requires one"
              + " (require_certificate true)");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void mutualTls_certificateFromOtherCa_untrustedIssuer(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued rogue = TestPki.ca("Rogue CA");
    TestPki.Issued dev = TestPki.device(rogue, "dev-7");
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(ServerTls.open(engine(f.mutual(), e).build(), "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port()))
          .isNotNull();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.CLIENT_CERT_UNTRUSTED_ISSUER);
      log.await(
          "client certificate CN=dev-7 not signed by a CA in cafile ca.crt (issuer CN=Rogue CA)");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void mutualTls_expiredCertificate_namedWithDate(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    Instant expired = Instant.now().minus(Duration.ofDays(2));
    TestPki.Issued dev =
        TestPki.issue(
            "dev-old",
            TestPki.keys("P-256"),
            f.ca,
            false,
            List.of(),
            expired.minus(Duration.ofDays(30)),
            expired);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(ServerTls.open(engine(f.mutual(), e).build(), "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port()))
          .isNotNull();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.CLIENT_CERT_EXPIRED);
      log.await("client certificate CN=dev-old expired " + expired.toString().substring(0, 10));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void mutualTls_revokedCertificate_namedWithSerial(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "dev-9");
    TestPki.write(
        dir.resolve("ca.crl"),
        TestPki.pem(TestPki.crl(f.ca, Instant.now().plus(Duration.ofDays(7)), dev.cert())));
    String serial = dev.cert().getSerialNumber().toString(16).toUpperCase();
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(
                ServerTls.open(
                    engine(f.mutual(), e).directive("crlfile", List.of("ca.crl")).build(),
                    "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port()))
          .isNotNull();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.CLIENT_CERT_REVOKED);
      log.await("client certificate CN=dev-9 revoked (serial " + serial + ", crlfile ca.crl)");
      // a device not on the list still gets in
      TestPki.Issued ok = TestPki.device(f.ca, "dev-10");
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, ok), server.port())).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void mutualTls_keyNotOfTheCertificate_namedAsFailedProof(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "dev-k");
    java.security.KeyPair other = TestPki.keys("P-256");
    SSLContext ctx = SSLContext.getInstance("TLS");
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    java.security.KeyStore ts = java.security.KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", f.ca.cert());
    tmf.init(ts);
    ctx.init(
        new javax.net.ssl.KeyManager[] {
          new TlsFixture.AlwaysPresent(
              other.getPrivate(), dev.chain().toArray(new java.security.cert.X509Certificate[0]))
        },
        tmf.getTrustManagers(),
        null);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(ServerTls.open(engine(f.mutual(), e).build(), "8883"))) {
      for (String version : List.of("TLSv1.3", "TLSv1.2")) {
        assertThat(TlsFixture.roundTrip(ctx, server.port(), version)).isNotNull();
        TlsHandshakeFailed ev = server.next(TlsHandshakeFailed.class);
        assertThat(ev.cause()).as(version).isEqualTo(HandshakeFailureCause.CLIENT_CERT_INVALID);
        assertThat(ev.detail())
            .as(version)
            .contains(
                "client certificate CN=dev-k accepted, but the client did not prove it holds");
      }
      log.await("(CertificateVerify failed)");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void tls12Minimum13_clientOffersOnly12_versionTooOld(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(
                ServerTls.open(
                    engine(f.settings(), e).directive("tls_version", List.of("tlsv1.3")).build(),
                    "8883"))) {
      assertThat(
              TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, null), server.port(), "TLSv1.2"))
          .isNotNull();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.PROTOCOL_VERSION_TOO_OLD);
      log.await("offered TLS 1.2 only; this listener accepts tlsv1.3 and up");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void ecdsaServer_clientOffersOnlyRsaSuites_noSharedCipher(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(ServerTls.open(engine(f.settings(), e).build(), "8883"))) {
      SSLContext ctx = TlsFixture.clientContext(f.ca, null);
      Exception failure;
      try (SSLSocket s =
          (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
        s.setSoTimeout(10_000);
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        s.setEnabledCipherSuites(
            new String[] {
              "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
            });
        s.startHandshake();
        failure = null;
      } catch (Exception ex) {
        failure = ex;
      }
      assertThat(failure).isNotNull();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.NO_SHARED_CIPHER);
      log.await("no cipher suite in common (client offered only RSA suites; server key is ECDSA)");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void clientDoesNotTrustServer_peerAlertNamed(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued other = TestPki.ca("Other CA");
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(ServerTls.open(engine(f.settings(), e).build(), "8883"))) {
      assertThat(
              TlsFixture.roundTrip(TlsFixture.clientContext(other, null), server.port(), "TLSv1.2"))
          .isNotNull();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.PEER_ALERT);
      log.await("client aborted with alert certificate_unknown");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void plainMqttConnect_onTlsListener_recognised(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(ServerTls.open(engine(f.settings(), e).build(), "8883"))) {
      // CONNECT, remaining length 16: "MQTT" level 4, clean session, keep-alive 60, client id "a"
      byte[] connect = {0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 'a'};
      assertThat(sendAndExpectClose(server.port(), connect)).isTrue();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.PLAIN_MQTT_ON_TLS_PORT);
      log.await("sent plain MQTT (CONNECT) to a TLS listener");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void httpRequest_onTlsListener_notTls(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(ServerTls.open(engine(f.settings(), e).build(), "8883"))) {
      assertThat(
              sendAndExpectClose(
                  server.port(), "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
          .isTrue();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.NOT_TLS);
      log.await("sent bytes that are not TLS: 47 45 54 20");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void halfOpenSocket_handshakeTimeout(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(
                ServerTls.open(
                    engine(f.settings(), e)
                        .directive("tls_handshake_timeout", List.of("300ms"))
                        .build(),
                    "8883"))) {
      // the first 3 bytes of a TLS record header, then silence
      assertThat(sendAndExpectClose(server.port(), new byte[] {22, 3, 1})).isTrue();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.HANDSHAKE_TIMEOUT);
      log.await("within 300 ms (tls_handshake_timeout)");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void useIdentityAsClientId_sanUri_identityFromSan(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev =
        TestPki.issue(
            "dev-3",
            TestPki.keys("P-256"),
            f.ca,
            false,
            List.of("uri:spiffe://fleet/dev-3"),
            Instant.now().minusSeconds(60),
            Instant.now().plus(Duration.ofDays(1)));
    TestPki.Issued noUri = TestPki.device(f.ca, "dev-4");
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server =
            new TlsTestServer(
                ServerTls.open(
                    engine(f.mutual(), e)
                        .directive("cert_identity", List.of("san-uri"))
                        .directive("use_identity_as_clientid", List.of("true"))
                        .build(),
                    "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port())).isNull();
      DeviceIdentity id = server.next(TlsSessionEstablished.class).identity().orElseThrow();
      assertThat(id.value()).isEqualTo("spiffe://fleet/dev-3");
      assertThat(id.kind()).isEqualTo(CertIdentity.SAN_URI);
      assertThat(id.commonName()).contains("dev-3");
      assertThat(server.tls.settings().useIdentityAsClientId()).isTrue();

      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, noUri), server.port()))
          .isNotNull();
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.CLIENT_CERT_NO_IDENTITY);
      log.await("client certificate CN=dev-4 has no san-uri field");
    }
  }

  @org.junit.jupiter.api.Test
  void encryptedServerKey_passwordFromFile_andCapath() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    Openssl.ok(
        dir,
        "pkcs8",
        "-topk8",
        "-in",
        "server.key",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:pw-1",
        "-out",
        "server-enc.key");
    java.nio.file.Files.writeString(dir.resolve("key.pw"), "pw-1\n");
    java.nio.file.Files.createDirectories(dir.resolve("cas"));
    java.nio.file.Files.copy(f.caFile, dir.resolve("cas/ca.pem"));
    TestPki.Issued dev = TestPki.device(f.ca, "dev-p");
    ServerTlsSettings s =
        ServerTlsSettings.builder(dir)
            .directive("capath", List.of("cas"))
            .directive("certfile", List.of("server.crt"))
            .directive("keyfile", List.of("server-enc.key"))
            .directive("keyfile_password", List.of("file:key.pw"))
            .directive("require_certificate", List.of("true"))
            .build();
    try (TlsTestServer server = new TlsTestServer(ServerTls.open(s, "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, dev), server.port())).isNull();
      assertThat(server.next(TlsSessionEstablished.class).identity().orElseThrow().value())
          .isEqualTo("dev-p");
    }
    ServerTlsSettings wrong =
        ServerTlsSettings.builder(dir)
            .directive("certfile", List.of("server.crt"))
            .directive("keyfile", List.of("server-enc.key"))
            .directive("keyfile_password", List.of("not-it"))
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerTls.open(wrong, "8883"))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("server-enc.key")
        .hasMessageNotContaining("not-it");
  }

  @org.junit.jupiter.api.Test
  void pkcs12Keyfile_withoutCertfile_serves() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    Openssl.ok(
        dir,
        "pkcs12",
        "-export",
        "-inkey",
        "server.key",
        "-in",
        "server.crt",
        "-passout",
        "pass:pw",
        "-out",
        "server.p12");
    ServerTlsSettings s =
        ServerTlsSettings.builder(dir)
            .directive("keyfile", List.of("server.p12"))
            .directive("keyfile_password", List.of("pw"))
            .build();
    try (TlsTestServer server = new TlsTestServer(ServerTls.open(s, "8883"))) {
      assertThat(TlsFixture.roundTrip(TlsFixture.clientContext(f.ca, null), server.port()))
          .isNull();
    }
  }

  /** Sends bytes and returns true when the server closes the connection (bounded wait). */
  static boolean sendAndExpectClose(int port, byte[] bytes) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[512];
      for (int i = 0; i < 100; i++) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
      return false;
    }
  }
}
