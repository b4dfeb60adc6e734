package dev.mqttls.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.certs.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * The broken-setup matrix of issue 6 against Debian's Mosquitto on 127.0.0.1: each deliberately
 * broken setup must yield its finding code, and the all-good case must pass.
 */
class ProbeMatrixTest {

  private static final List<String> LOCALHOST = List.of("localhost");

  /** One broker with a TLS listener made from the given material. */
  private static final class Setup {
    final MosquittoProcess.Builder b = MosquittoProcess.builder();
    final TestCerts.Held ca = TestCerts.rootCa("Doctor Test CA");
    Path caFile = b.file("ca.crt", ca.certPem());

    Setup tls(String certChainPem, String keyPem) {
      b.listenerLine("cafile " + caFile);
      b.listenerLine("certfile " + b.file("server.crt", certChainPem));
      b.listenerLine("keyfile " + b.file("server.key", keyPem));
      return this;
    }

    Setup tls(TestCerts.Held server) {
      return tls(server.certPem(), server.keyPem());
    }

    Setup line(String l) {
      b.listenerLine(l);
      return this;
    }

    Path file(String name, String content) {
      return b.file(name, content);
    }
  }

  private static Report probe(
      MosquittoProcess m, boolean tls, Consumer<ProbeOptions.Builder> config) {
    ProbeOptions.Builder o =
        ProbeOptions.builder((tls ? "mqtts" : "mqtt") + "://127.0.0.1:" + m.port())
            .timeout(Duration.ofSeconds(3))
            .versionProbes(false)
            .costProbe(false);
    config.accept(o);
    return Probe.run(o.build());
  }

  private static TestCerts.Held localhostServer(Setup s) {
    return TestCerts.server(s.ca, "localhost", LOCALHOST, List.of());
  }

  @Test
  void allGood_everyStepPasses_andLegacyTlsIsRefused() {
    Setup s = new Setup();
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m,
              true,
              o -> o.caFile(s.caFile).serverName("localhost").versionProbes(true).costProbe(true));
      assertThat(r.failures()).as(r.toJson()).isEmpty();
      assertThat(r.passed()).isTrue();
      assertThat(find(r, FindingCode.TLS_NEGOTIATED).message()).contains("key exchange");
      assertThat(find(r, FindingCode.TLS_SNI).message()).contains("same certificate");
      assertThat(find(r, FindingCode.TLS12_ACCEPTED).message()).contains("picks TLS_ECDHE_ECDSA");
      assertThat(r.findings())
          .extracting(Finding::code)
          .contains(
              FindingCode.TCP_CONNECTED,
              FindingCode.PORT_SPEAKS_TLS,
              FindingCode.SERVER_TRUSTED,
              FindingCode.NAME_MATCHED,
              FindingCode.TLS_NEGOTIATED,
              FindingCode.CLIENT_CERT_NOT_REQUESTED,
              FindingCode.MQTT_CONNECTED,
              FindingCode.MQTT_ROUND_TRIP,
              FindingCode.TLS13_ACCEPTED,
              FindingCode.TLS12_ACCEPTED,
              FindingCode.TLS_LEGACY_REFUSED,
              FindingCode.COST_HANDSHAKE);
    }
  }

  @Test
  void brokerStillAcceptingTls11_isAWarning() {
    Setup s = new Setup();
    // Debian's OpenSSL refuses TLS 1.1 at its default security level; this broker lowers it.
    s.tls(localhostServer(s)).line("tls_version tlsv1.1").line("ciphers DEFAULT:@SECLEVEL=0");
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(m, true, o -> o.caFile(s.caFile).serverName("localhost").versionProbes(true));
      Finding f = find(r, FindingCode.TLS_LEGACY_ACCEPTED);
      assertThat(f.status()).isEqualTo(Status.WARN);
      assertThat(f.message()).contains("TLS 1.1");
      assertThat(r.passed()).isTrue();
    }
  }

  @Test
  void tls13OnlyBroker_tls12RefusedIsAWarning() {
    Setup s = new Setup();
    s.tls(localhostServer(s)).line("tls_version tlsv1.3");
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m,
              true,
              o -> o.caFile(s.caFile).serverName("localhost").versionProbes(true).costProbe(true));
      assertThat(codes(r))
          .as(r.toJson())
          .contains(
              FindingCode.TLS13_ACCEPTED,
              FindingCode.TLS12_REFUSED,
              FindingCode.MQTT_ROUND_TRIP,
              FindingCode.COST_NO_RESUMPTION);
      assertThat(r.passed()).isTrue();
    }
  }

  @Test
  void mqtt5_roundTrip() {
    Setup s = new Setup();
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m,
              true,
              o ->
                  o.caFile(s.caFile)
                      .serverName("localhost")
                      .mqttVersion(ProbeOptions.MqttVersion.V5));
      assertThat(r.failures()).as(r.toJson()).isEmpty();
      assertThat(find(r, FindingCode.MQTT_CONNECTED).message()).contains("MQTT 5");
      assertThat(codes(r)).contains(FindingCode.MQTT_ROUND_TRIP);
    }
  }

  @Test
  void mqtt5_aclDeniedPublish_namedByPubackReason() {
    Setup s = new Setup();
    s.b.line("acl_file " + s.file("acl", "topic readwrite allowed/#\n"));
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m,
              true,
              o ->
                  o.caFile(s.caFile)
                      .serverName("localhost")
                      .mqttVersion(ProbeOptions.MqttVersion.V5));
      assertThat(find(r, FindingCode.MQTT_PUBLISH_DENIED).message()).contains("0x87");
    }
  }

  @Test
  void selfSignedServerCertificate() {
    Setup s = new Setup();
    TestCerts.Held self = TestCerts.selfSignedServer("localhost", LOCALHOST, List.of());
    s.tls(self);
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(m, true, o -> o.caFile(s.caFile).serverName("localhost").versionProbes(true));
      // Versions are judged from the ServerHello, without finishing a handshake with this server.
      assertThat(codes(r))
          .as(r.toJson())
          .contains(
              FindingCode.SERVER_SELF_SIGNED,
              FindingCode.MQTT_SKIPPED,
              FindingCode.TLS13_ACCEPTED,
              FindingCode.TLS12_ACCEPTED,
              FindingCode.TLS_LEGACY_REFUSED);
      assertThat(r.passed()).isFalse();
    }
  }

  @Test
  void caFileHoldingTheLeaf() {
    Setup s = new Setup();
    TestCerts.Held server = localhostServer(s);
    s.tls(server);
    Path leafAsCa = s.file("leaf-as-ca.crt", server.certPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(leafAsCa).serverName("localhost"));
      assertThat(codes(r))
          .as(r.toJson())
          .contains(FindingCode.CAFILE_HOLDS_LEAF)
          .doesNotContain(FindingCode.SERVER_TRUSTED);
    }
  }

  @Test
  void wrongCa_regeneratedWithTheSameName() {
    Setup s = new Setup();
    s.tls(localhostServer(s));
    Path otherCa = s.file("other-ca.crt", TestCerts.rootCa("Doctor Test CA").certPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(otherCa).serverName("localhost"));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.SERVER_WRONG_CA);
    }
  }

  @Test
  void wrongCa_serverSendsARootTheClientDoesNotHold() {
    Setup s = new Setup();
    TestCerts.Held server = localhostServer(s);
    s.tls(server.certPem() + s.ca.certPem(), server.keyPem());
    Path otherCa = s.file("other-ca.crt", TestCerts.rootCa("Someone Else's CA").certPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(otherCa).serverName("localhost"));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.SERVER_WRONG_CA);
    }
  }

  @Test
  void missingIntermediate() {
    Setup s = new Setup();
    TestCerts.Held inter = TestCerts.intermediate(s.ca, "Doctor Test Intermediate");
    TestCerts.Held server = TestCerts.server(inter, "localhost", LOCALHOST, List.of());
    s.tls(server);
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile).serverName("localhost"));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.SERVER_ISSUER_MISSING);
      assertThat(find(r, FindingCode.SERVER_ISSUER_MISSING).message())
          .contains("Doctor Test Intermediate");
    }
  }

  @Test
  void intermediateSent_chainVerifies() {
    Setup s = new Setup();
    TestCerts.Held inter = TestCerts.intermediate(s.ca, "Doctor Test Intermediate");
    TestCerts.Held server = TestCerts.server(inter, "localhost", LOCALHOST, List.of());
    s.tls(server.certPem() + inter.certPem(), server.keyPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile).serverName("localhost"));
      assertThat(r.failures()).as(r.toJson()).isEmpty();
      assertThat(codes(r))
          .as(r.toJson())
          .contains(
              FindingCode.SERVER_TRUSTED, FindingCode.CHAIN_IN_ORDER, FindingCode.MQTT_ROUND_TRIP);
    }
  }

  @Test
  void expiredServerCertificate() {
    Setup s = new Setup();
    s.tls(
        TestCerts.leaf(
            s.ca,
            "localhost",
            LOCALHOST,
            List.of(),
            KeyPurposeId.id_kp_serverAuth,
            TestCerts.expired()));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile).serverName("localhost"));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.SERVER_CERT_EXPIRED);
    }
  }

  @Test
  void notYetValidServerCertificate() {
    Setup s = new Setup();
    s.tls(
        TestCerts.leaf(
            s.ca,
            "localhost",
            LOCALHOST,
            List.of(),
            KeyPurposeId.id_kp_serverAuth,
            TestCerts.notYetValid()));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile).serverName("localhost"));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.SERVER_CERT_NOT_YET_VALID);
    }
  }

  @Test
  void deviceClockAt1970_certificateNotYetValid() {
    Setup s = new Setup();
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      ProbeOptions o =
          ProbeOptions.builder("mqtts://127.0.0.1:" + m.port())
              .caFile(s.caFile)
              .serverName("localhost")
              .timeout(Duration.ofSeconds(3))
              .versionProbes(false)
              .costProbe(false)
              .build();
      Report r = Probe.run(o, java.time.Instant.EPOCH);
      Finding f = find(r, FindingCode.SERVER_CERT_NOT_YET_VALID);
      assertThat(f.message()).contains("1970").contains("booted without time");
    }
  }

  @Test
  void serverCertificateWithClientOnlyUsage() {
    Setup s = new Setup();
    s.tls(
        TestCerts.leaf(
            s.ca,
            "localhost",
            LOCALHOST,
            List.of(),
            KeyPurposeId.id_kp_clientAuth,
            TestCerts.valid()));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile).serverName("localhost"));
      assertThat(codes(r))
          .as(r.toJson())
          .contains(FindingCode.SERVER_CERT_WRONG_USAGE, FindingCode.MQTT_SKIPPED);
    }
  }

  @Test
  void nameMismatch_namesTheCertificatesNamesAndTheFix() {
    Setup s = new Setup();
    s.tls(TestCerts.server(s.ca, "broker.example", List.of("broker.example"), List.of()));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile).serverName("localhost"));
      Finding f = find(r, FindingCode.NAME_MISMATCH);
      assertThat(f.message()).contains("DNS:broker.example");
      assertThat(f.remedy()).contains("mqttls pki server broker.example --dns localhost");
    }
  }

  @Test
  void ipConnectWithoutIpSan() {
    Setup s = new Setup();
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile));
      Finding f = find(r, FindingCode.IP_NOT_IN_SAN);
      assertThat(f.remedy()).contains("--ip 127.0.0.1");
    }
  }

  @Test
  void ipSan_matchesButWarnsForMbedTls() {
    Setup s = new Setup();
    s.tls(TestCerts.server(s.ca, "broker", List.of(), List.of("127.0.0.1")));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile));
      assertThat(codes(r))
          .as(r.toJson())
          .contains(FindingCode.NAME_MATCHED, FindingCode.IP_SAN_ONLY);
      assertThat(r.passed()).isTrue();
    }
  }

  @Test
  void requireCertificate_withoutClientCertificate() {
    Setup s = new Setup();
    s.tls(localhostServer(s)).line("require_certificate true");
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(m, true, o -> o.caFile(s.caFile).serverName("localhost").versionProbes(true));
      assertThat(codes(r))
          .as(r.toJson())
          .contains(
              FindingCode.CLIENT_CERT_REQUIRED,
              FindingCode.TLS12_ACCEPTED,
              FindingCode.TLS13_ACCEPTED,
              FindingCode.TLS_LEGACY_REFUSED);
      assertThat(r.toJson())
          .contains(
              "\"code\":\"CLIENT_CERT_REQUIRED\",\"brokerLogCause\":\"NO_CLIENT_CERTIFICATE\"");
    }
  }

  @Test
  void requireCertificate_withTrustedClientCertificate_isAccepted() {
    Setup s = new Setup();
    s.tls(localhostServer(s)).line("require_certificate true");
    TestCerts.Held device = TestCerts.device(s.ca, "device-1");
    Path cert = s.file("device.crt", device.certPem());
    Path key = s.file("device.key", device.keyPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m,
              true,
              o ->
                  o.caFile(s.caFile)
                      .serverName("localhost")
                      .certFile(cert)
                      .keyFile(key)
                      .versionProbes(true)
                      .costProbe(true));
      assertThat(r.failures()).as(r.toJson()).isEmpty();
      assertThat(codes(r))
          .as(r.toJson())
          .contains(
              FindingCode.CLIENT_CERT_REQUESTED,
              FindingCode.CLIENT_CERT_ACCEPTED,
              FindingCode.CLIENT_CERT_ENFORCED,
              FindingCode.MQTT_ROUND_TRIP,
              FindingCode.TLS12_ACCEPTED,
              FindingCode.COST_RESUMPTION);
    }
  }

  @Test
  void untrustedClientCertificate() {
    Setup s = new Setup();
    s.tls(localhostServer(s)).line("require_certificate true");
    TestCerts.Held device = TestCerts.device(TestCerts.rootCa("Unknown Device CA"), "device-1");
    Path cert = s.file("device.crt", device.certPem());
    Path key = s.file("device.key", device.keyPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m, true, o -> o.caFile(s.caFile).serverName("localhost").certFile(cert).keyFile(key));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CLIENT_CERT_UNTRUSTED);
    }
  }

  @Test
  void revokedClientCertificate() {
    Setup s = new Setup();
    TestCerts.Held device = TestCerts.device(s.ca, "device-revoked");
    Path crl =
        s.file(
            "ca.crl",
            TestCerts.pem(
                TestCerts.crl(
                    s.ca,
                    List.of(device.cert()),
                    java.time.Instant.now().plus(Duration.ofDays(7)))));
    s.tls(localhostServer(s)).line("require_certificate true").line("crlfile " + crl);
    Path cert = s.file("device.crt", device.certPem());
    Path key = s.file("device.key", device.keyPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m, true, o -> o.caFile(s.caFile).serverName("localhost").certFile(cert).keyFile(key));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CLIENT_CERT_REVOKED);
    }
  }

  @Test
  void expiredClientCertificate() {
    Setup s = new Setup();
    s.tls(localhostServer(s)).line("require_certificate true");
    TestCerts.Held device =
        TestCerts.leaf(
            s.ca,
            "device-old",
            List.of(),
            List.of(),
            KeyPurposeId.id_kp_clientAuth,
            TestCerts.expired());
    Path cert = s.file("device.crt", device.certPem());
    Path key = s.file("device.key", device.keyPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m, true, o -> o.caFile(s.caFile).serverName("localhost").certFile(cert).keyFile(key));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CLIENT_CERT_EXPIRED);
    }
  }

  @Test
  void clientCertificateWithServerOnlyUsage_refusedForItsPurpose() {
    Setup s = new Setup();
    s.tls(localhostServer(s)).line("require_certificate true");
    TestCerts.Held device =
        TestCerts.leaf(
            s.ca,
            "device-eku",
            List.of(),
            List.of(),
            KeyPurposeId.id_kp_serverAuth,
            TestCerts.valid());
    Path cert = s.file("device.crt", device.certPem());
    Path key = s.file("device.key", device.keyPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m, true, o -> o.caFile(s.caFile).serverName("localhost").certFile(cert).keyFile(key));
      assertThat(r.findings())
          .as(r.toJson())
          .anyMatch(
              f -> f.code() == FindingCode.CLIENT_CERT_WRONG_USAGE && f.status() == Status.WARN)
          .anyMatch(
              f -> f.code() == FindingCode.CLIENT_CERT_WRONG_USAGE && f.status() == Status.FAIL);
    }
  }

  @Test
  void clientCertificateRefusals_asATls12Device() {
    Setup s = new Setup();
    TestCerts.Held revoked = TestCerts.device(s.ca, "device-revoked");
    Path crl =
        s.file(
            "ca.crl",
            TestCerts.pem(
                TestCerts.crl(
                    s.ca,
                    List.of(revoked.cert()),
                    java.time.Instant.now().plus(Duration.ofDays(7)))));
    s.tls(localhostServer(s)).line("require_certificate true").line("crlfile " + crl);
    TestCerts.Held stranger = TestCerts.device(TestCerts.rootCa("Stranger CA"), "device-x");
    TestCerts.Held old =
        TestCerts.leaf(
            s.ca,
            "device-old",
            List.of(),
            List.of(),
            KeyPurposeId.id_kp_clientAuth,
            TestCerts.expired());
    TestCerts.Held good = TestCerts.device(s.ca, "device-ok");
    try (MosquittoProcess m = s.b.start()) {
      java.util.function.BiFunction<String, TestCerts.Held, Report> as =
          (name, device) ->
              probe(
                  m,
                  true,
                  o -> {
                    o.caFile(s.caFile).serverName("localhost").tls12Only(true);
                    if (device != null) {
                      o.certFile(s.file(name + ".crt", device.certPem()));
                      o.keyFile(s.file(name + ".key", device.keyPem()));
                    }
                  });
      Report none = as.apply("none", null);
      assertThat(codes(none)).as(none.toJson()).contains(FindingCode.CLIENT_CERT_REQUIRED);
      assertThat(find(none, FindingCode.CLIENT_CERT_REQUIRED).message())
          .contains("handshake_failure");
      Report untrusted = as.apply("stranger", stranger);
      assertThat(codes(untrusted))
          .as(untrusted.toJson())
          .contains(FindingCode.CLIENT_CERT_UNTRUSTED);
      Report rev = as.apply("revoked", revoked);
      assertThat(codes(rev)).as(rev.toJson()).contains(FindingCode.CLIENT_CERT_REVOKED);
      Report exp = as.apply("old", old);
      assertThat(codes(exp)).as(exp.toJson()).contains(FindingCode.CLIENT_CERT_EXPIRED);
      Report ok = as.apply("good", good);
      assertThat(ok.failures()).as(ok.toJson()).isEmpty();
      assertThat(find(ok, FindingCode.TLS_NEGOTIATED).message()).contains("TLS 1.2");
      assertThat(codes(ok)).contains(FindingCode.CLIENT_CERT_ACCEPTED, FindingCode.MQTT_ROUND_TRIP);
    }
  }

  @Test
  void clientKeyDoesNotMatchCertificate() {
    Setup s = new Setup();
    s.tls(localhostServer(s)).line("require_certificate true");
    TestCerts.Held device = TestCerts.device(s.ca, "device-1");
    TestCerts.Held other = TestCerts.device(s.ca, "device-2");
    Path cert = s.file("device.crt", device.certPem());
    Path key = s.file("other.key", other.keyPem());
    try (MosquittoProcess m = s.b.start()) {
      Report r =
          probe(
              m, true, o -> o.caFile(s.caFile).serverName("localhost").certFile(cert).keyFile(key));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CLIENT_KEY_MISMATCH);
    }
  }

  @Test
  void plainPortGivenAsTls() {
    try (MosquittoProcess m = MosquittoProcess.start()) {
      Report r = probe(m, true, o -> {});
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.PORT_PLAIN_GIVEN_AS_TLS);
    }
  }

  @Test
  void plainPort_givenAsPlain_roundTrips() {
    try (MosquittoProcess m = MosquittoProcess.start()) {
      Report r = probe(m, false, o -> {});
      assertThat(r.failures()).as(r.toJson()).isEmpty();
      assertThat(codes(r))
          .as(r.toJson())
          .contains(FindingCode.PORT_SPEAKS_MQTT, FindingCode.MQTT_ROUND_TRIP);
    }
  }

  @Test
  void tlsPortGivenAsPlain() {
    Setup s = new Setup();
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, false, o -> {});
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.PORT_TLS_GIVEN_AS_PLAIN);
    }
  }

  @Test
  void wrongPassword() {
    Setup s = new Setup();
    s.b.allowAnonymous(false);
    Path pw = s.file("passwd", passwdLine("alice", "right-password"));
    s.b.line("password_file " + pw);
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      Report good =
          probe(
              m,
              true,
              o ->
                  o.caFile(s.caFile)
                      .serverName("localhost")
                      .username("alice")
                      .password("right-password".toCharArray()));
      assertThat(codes(good)).contains(FindingCode.MQTT_CONNECTED);
      Report r =
          probe(
              m,
              true,
              o ->
                  o.caFile(s.caFile)
                      .serverName("localhost")
                      .username("alice")
                      .password("wrong".toCharArray()));
      assertThat(codes(r)).as(r.toJson()).contains(FindingCode.MQTT_BAD_CREDENTIALS);
      Report v5 =
          probe(
              m,
              true,
              o ->
                  o.caFile(s.caFile)
                      .serverName("localhost")
                      .username("alice")
                      .password("wrong".toCharArray())
                      .mqttVersion(ProbeOptions.MqttVersion.V5));
      assertThat(codes(v5)).as(v5.toJson()).contains(FindingCode.MQTT_BAD_CREDENTIALS);
    }
  }

  @Test
  void aclDeniesTheTestTopic() {
    Setup s = new Setup();
    Path acl = s.file("acl", "topic readwrite allowed/#\n");
    s.b.line("acl_file " + acl);
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile).serverName("localhost"));
      assertThat(codes(r))
          .as(r.toJson())
          .containsAnyOf(FindingCode.MQTT_SUBSCRIBE_DENIED, FindingCode.MQTT_MESSAGE_LOST);
      assertThat(codes(r)).as(r.toJson()).doesNotContain(FindingCode.MQTT_ROUND_TRIP);
      Report allowed =
          probe(m, true, o -> o.caFile(s.caFile).serverName("localhost").topic("allowed/doctor"));
      assertThat(codes(allowed)).contains(FindingCode.MQTT_ROUND_TRIP);
    }
  }

  @Test
  void clientIdOutsidePrefixes_mosquittoAnswersNotAuthorized() {
    Setup s = new Setup();
    s.b.line("clientid_prefixes device-");
    s.tls(localhostServer(s));
    try (MosquittoProcess m = s.b.start()) {
      Report r = probe(m, true, o -> o.caFile(s.caFile).serverName("localhost"));
      // Mosquitto 2.0 answers 0x05 here, not 0x02 (identifier rejected); the finding says both.
      assertThat(find(r, FindingCode.MQTT_NOT_AUTHORIZED).message())
          .contains("client id")
          .contains("clientid_prefixes");
      Report ok =
          probe(m, true, o -> o.caFile(s.caFile).serverName("localhost").clientId("device-42"));
      assertThat(codes(ok)).as(ok.toJson()).contains(FindingCode.MQTT_ROUND_TRIP);
    }
  }

  @Test
  void somethingElseOnThePort_httpLikeAnswer() throws Exception {
    try (java.net.ServerSocket server =
        new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
      Thread t =
          new Thread(
              () -> {
                // Answers every connection like an HTTP server would; at most a few, then stops.
                for (int i = 0; i < 6; i++) {
                  try (java.net.Socket c = server.accept()) {
                    c.setSoTimeout(2000);
                    c.getInputStream().read(new byte[512]);
                    c.getOutputStream()
                        .write(
                            "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      Report r =
          Probe.run(
              ProbeOptions.builder("mqtts://127.0.0.1:" + server.getLocalPort())
                  .timeout(Duration.ofSeconds(2))
                  .build());
      Finding f = find(r, FindingCode.PORT_UNKNOWN_PROTOCOL);
      assertThat(f.message()).contains("HTTP/1.1 400");
    }
  }

  @Test
  void silentPort() throws Exception {
    try (java.net.ServerSocket server =
        new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
      // Accepted by the kernel's backlog, never answered.
      Report r =
          Probe.run(
              ProbeOptions.builder("mqtts://127.0.0.1:" + server.getLocalPort())
                  .timeout(Duration.ofSeconds(1))
                  .build());
      assertThat(codes(r))
          .as(r.toJson())
          .contains(FindingCode.TCP_CONNECTED, FindingCode.PORT_SILENT);
    }
  }

  @Test
  void nothingListening_refused() {
    int port = dev.mqttls.testing.Ports.freePort();
    Report r =
        Probe.run(
            ProbeOptions.builder("mqtts://127.0.0.1:" + port)
                .timeout(Duration.ofSeconds(2))
                .build());
    assertThat(codes(r)).as(r.toJson()).containsExactly(FindingCode.TCP_REFUSED);
    assertThat(r.passed()).isFalse();
  }

  /** Mosquitto's {@code $6$} password format: base64(SHA-512(password + salt)). */
  private static String passwdLine(String user, String password) {
    try {
      byte[] salt = new byte[12];
      new SecureRandom().nextBytes(salt);
      MessageDigest d = MessageDigest.getInstance("SHA-512");
      d.update(password.getBytes(StandardCharsets.UTF_8));
      d.update(salt);
      Base64.Encoder e = Base64.getEncoder();
      return user + ":$6$" + e.encodeToString(salt) + "$" + e.encodeToString(d.digest()) + "\n";
    } catch (java.security.GeneralSecurityException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static List<FindingCode> codes(Report r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  private static Finding find(Report r, FindingCode code) {
    return r.findings().stream()
        .filter(f -> f.code() == code)
        .findFirst()
        .orElseThrow(() -> new AssertionError(code + " not in " + r.toJson()));
  }
}
