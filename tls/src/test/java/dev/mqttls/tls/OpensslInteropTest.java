package dev.mqttls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Debian's {@code openssl s_client} against the listener handler, on both engines. */
class OpensslInteropTest {
  private static final Pattern RECORD =
      Pattern.compile(
          "<<< [^\\n]*RecordHeader[^\\n]*\\n\\s+(\\p{XDigit}{2}) 03 03 (\\p{XDigit}{2}) (\\p{XDigit}{2})");

  @TempDir Path dir;

  private ServerTls open(ServerTlsSettings.Builder b, TlsEngine e) throws TlsMaterialException {
    return ServerTls.open(b.directive("tls_engine", List.of(e.directiveName())).build(), "8883");
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void tls12_and_tls13_negotiate(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (TlsTestServer server = new TlsTestServer(open(f.settings(), e))) {
      String out12 =
          SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-verify_return_error", "-tls1_2");
      assertThat(out12).contains("Verify return code: 0 (ok)").contains("TLSv1.2");
      assertThat(server.next(TlsSessionEstablished.class).protocol()).isEqualTo("TLSv1.2");
      String out13 =
          SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-verify_return_error", "-tls1_3");
      assertThat(out13).contains("Verify return code: 0 (ok)").contains("TLSv1.3");
      assertThat(server.next(TlsSessionEstablished.class).protocol()).isEqualTo("TLSv1.3");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void tls11_refusedWithNamedCause(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server = new TlsTestServer(open(f.settings(), e))) {
      String out =
          SClient.run(
              dir, server.port(), "-CAfile", "ca.crt", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
      assertThat(out).contains("alert protocol version").doesNotContain("Cipher is ECDHE");
      assertThat(server.next(TlsHandshakeFailed.class).cause())
          .isEqualTo(HandshakeFailureCause.PROTOCOL_VERSION_TOO_OLD);
      log.await("offered TLS 1.0,1.1 only; this listener accepts tlsv1.2 and up");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void servername_selectsSniCertificate(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued other = TestPki.server(f.ca, "other.example", "other.example");
    TestPki.writePair(dir, "other", other);
    try (TlsTestServer server =
        new TlsTestServer(
            open(
                f.settings()
                    .directive("sni_cert", List.of("other.example", "other.crt", "other.key")),
                e))) {
      String sni =
          SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-servername", "other.example");
      assertThat(sni).contains("subject=CN = other.example");
      assertThat(server.next(TlsSessionEstablished.class).sniHostName()).contains("other.example");
      String def =
          SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-servername", "unknown.example");
      assertThat(def).contains("subject=CN = localhost");
      String none = SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-noservername");
      assertThat(none).contains("subject=CN = localhost");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void alpn_awsProtocolAccepted(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (TlsTestServer server =
        new TlsTestServer(
            open(f.settings().directive("alpn", List.of("mqtt,x-amzn-mqtt-ca")), e))) {
      String out = SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-alpn", "x-amzn-mqtt-ca");
      assertThat(out).contains("ALPN protocol: x-amzn-mqtt-ca");
      assertThat(server.next(TlsSessionEstablished.class).applicationProtocol())
          .contains("x-amzn-mqtt-ca");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void sessionTicket_resumes(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    TestPki.Issued dev = TestPki.device(f.ca, "dev-r");
    TestPki.writePair(dir, "dev", dev);
    try (TlsTestServer server = new TlsTestServer(open(f.mutual(), e))) {
      for (String v : List.of("-tls1_3", "-tls1_2")) {
        String first =
            SClient.run(
                dir,
                server.port(),
                "-CAfile",
                "ca.crt",
                "-cert",
                "dev.crt",
                "-key",
                "dev.key",
                v,
                "-sess_out",
                "sess" + v);
        assertThat(first).contains("New, TLSv1.");
        TlsSessionEstablished full = server.next(TlsSessionEstablished.class);
        assertThat(full.resumed()).isFalse();
        String second =
            SClient.run(
                dir,
                server.port(),
                "-CAfile",
                "ca.crt",
                "-cert",
                "dev.crt",
                "-key",
                "dev.key",
                v,
                "-sess_in",
                "sess" + v);
        assertThat(second).as(v).contains("Reused, TLSv1.");
        TlsSessionEstablished resumed = server.next(TlsSessionEstablished.class);
        assertThat(resumed.identity().orElseThrow().value()).isEqualTo("dev-r");
        if (e == TlsEngine.OPENSSL) {
          assertThat(resumed.resumed()).isTrue();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void maxFragmentLength_servedByJdkEngine(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (LogRecorder log = new LogRecorder();
        TlsTestServer server = new TlsTestServer(open(f.settings(), e))) {
      String line = "ping-echo" + "x".repeat(3000);
      String out =
          SClient.runWithLine(
              dir,
              server.port(),
              line,
              "-CAfile",
              "ca.crt",
              "-tls1_2",
              "-maxfraglen",
              "1024",
              "-msg");
      assertThat(out).contains("Verify return code: 0 (ok)").contains("ping-echoxxx");
      // every record the server sent: "<<< ... RecordHeader [length 0005]" then "16 03 03 LL LL"
      Matcher m = RECORD.matcher(out);
      int records = 0;
      int appRecords = 0;
      while (m.find()) {
        int len = Integer.parseInt(m.group(2) + m.group(3), 16);
        records++;
        if (m.group(1).equals("17")) {
          appRecords++;
          // AES-GCM adds an 8-byte explicit nonce and a 16-byte tag to at most 1024 plaintext bytes
          assertThat(len).isLessThanOrEqualTo(1024 + 24);
        } else {
          assertThat(len).isLessThanOrEqualTo(1024);
        }
      }
      assertThat(records).isGreaterThan(3);
      assertThat(appRecords).as("the 3 KiB echo needs several records").isGreaterThanOrEqualTo(3);
      assertThat(server.next(TlsSessionEstablished.class).engine()).isEqualTo(TlsEngine.JDK);
      if (e == TlsEngine.OPENSSL) {
        log.await("asked for max_fragment_length 1024; using the JDK engine for this connection");
      }
    }
  }

  // OpenSSL engine only: SunJSSE 17 follows the client's group order and offers no per-context
  // setting (SSLParameters.setNamedGroups arrives in JDK 20).
  @ParameterizedTest
  @EnumSource(value = TlsEngine.class, names = "OPENSSL")
  void curvePreference_serverChoosesP256OverP521FirstOfDevice(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (TlsTestServer server = new TlsTestServer(open(f.settings(), e))) {
      String out =
          SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-tls1_2", "-groups", "P-521:P-256");
      assertThat(out).contains("Verify return code: 0 (ok)");
      assertThat(out).contains("Server Temp Key: ECDH, prime256v1");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void chainWithRoot_rootSentOnlyWithTlsSendRoot(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    // certfile holds leaf and root, as many CAs hand them out
    TestPki.write(f.certFile, TestPki.pem(f.server.cert(), f.ca.cert()));
    try (TlsTestServer server = new TlsTestServer(open(f.settings(), e))) {
      String out = SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-showcerts");
      assertThat(out).contains(" 0 s:CN = localhost").doesNotContain(" 1 s:CN = Test CA");
    }
    try (TlsTestServer server =
        new TlsTestServer(open(f.settings().directive("tls_send_root", List.of("true")), e))) {
      String out = SClient.run(dir, server.port(), "-CAfile", "ca.crt", "-showcerts");
      assertThat(out).contains(" 0 s:CN = localhost").contains(" 1 s:CN = Test CA");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = TlsEngine.class,
      names = {"OPENSSL", "JDK"})
  void cipherPreference_serverOrderWins(TlsEngine e) throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (TlsTestServer server = new TlsTestServer(open(f.settings(), e))) {
      String out =
          SClient.run(
              dir,
              server.port(),
              "-CAfile",
              "ca.crt",
              "-tls1_2",
              "-cipher",
              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256");
      assertThat(out).contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256");
    }
  }

  @org.junit.jupiter.api.Test
  void ticketKeyRotation_previousKeyStillResumes_olderOneDoesNot() throws Exception {
    TlsFixture f = new TlsFixture(dir);
    try (TlsTestServer server = new TlsTestServer(open(f.settings(), TlsEngine.OPENSSL))) {
      String[] common = {"-CAfile", "ca.crt", "-tls1_2"};
      String first = SClient.run(dir, server.port(), concat(common, "-sess_out", "t1"));
      assertThat(first).contains("New, TLSv1.2");
      server.tls.rotateTicketKeys();
      assertThat(SClient.run(dir, server.port(), concat(common, "-sess_in", "t1")))
          .contains("Reused, TLSv1.2");
      server.tls.rotateTicketKeys();
      assertThat(SClient.run(dir, server.port(), concat(common, "-sess_in", "t1")))
          .contains("New, TLSv1.2");
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
