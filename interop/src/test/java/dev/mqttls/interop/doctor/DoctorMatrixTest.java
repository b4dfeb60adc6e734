package dev.mqttls.interop.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.FindingCode;
import dev.mqttls.doctor.Probe;
import dev.mqttls.doctor.ProbeOptions;
import dev.mqttls.doctor.Report;
import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.certs.TestCerts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The broken-setup matrix of issue 6, run against our broker and against Debian's Mosquitto on
 * 127.0.0.1 with the same configuration lines: the doctor must name the same cause on both.
 */
class DoctorMatrixTest {
  private static final List<String> LOCALHOST = List.of("localhost");

  @TempDir Path dir;

  /** The two brokers under test. */
  enum Kind {
    MOSQUITTO,
    MQTTLS
  }

  /** A started broker. */
  private interface Running extends AutoCloseable {
    int port();

    /** Our broker's log, where it names the cause of a refused handshake; empty for Mosquitto. */
    default java.util.Optional<dev.mqttls.testing.LogCapture> log() {
      return java.util.Optional.empty();
    }

    @Override
    void close();
  }

  private final List<String> global = new ArrayList<>();
  private final List<String> listener = new ArrayList<>();
  private boolean anonymous = true;
  private TestCerts.Held ca;
  private Path caFile;

  private Running start(Kind kind) {
    if (kind == Kind.MOSQUITTO) {
      MosquittoProcess.Builder b = MosquittoProcess.builder().allowAnonymous(anonymous);
      global.forEach(b::line);
      listener.forEach(b::listenerLine);
      MosquittoProcess m = b.start();
      return new Running() {
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
    List<String> lines = new ArrayList<>();
    lines.add("allow_anonymous " + anonymous);
    lines.addAll(global);
    lines.add("listener 0 127.0.0.1");
    lines.addAll(listener);
    EmbeddedBroker e = EmbeddedBroker.start(lines.toArray(String[]::new));
    return new Running() {
      @Override
      public int port() {
        return e.port();
      }

      @Override
      public java.util.Optional<dev.mqttls.testing.LogCapture> log() {
        return java.util.Optional.of(e.log());
      }

      @Override
      public void close() {
        e.close();
      }
    };
  }

  private Path write(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void tls(String certChainPem, String keyPem) {
    listener.add("cafile " + caFile);
    listener.add("certfile " + write("server.crt", certChainPem));
    listener.add("keyfile " + write("server.key", keyPem));
  }

  private void tls(TestCerts.Held server) {
    tls(server.certPem(), server.keyPem());
  }

  private void newCa() {
    ca = TestCerts.rootCa("Doctor Interop CA");
    caFile = write("ca.crt", ca.certPem());
  }

  private TestCerts.Held localhostServer() {
    return TestCerts.server(ca, "localhost", LOCALHOST, List.of());
  }

  private Report probe(Kind kind, boolean tls, Consumer<ProbeOptions.Builder> config) {
    try (Running r = start(kind)) {
      ProbeOptions.Builder o =
          ProbeOptions.builder((tls ? "mqtts" : "mqtt") + "://127.0.0.1:" + r.port())
              .timeout(Duration.ofSeconds(3))
              .versionProbes(false)
              .costProbe(false);
      config.accept(o);
      Report report = Probe.run(o.build());
      r.log().ifPresent(log -> checkBrokerLog(report, log));
      return report;
    }
  }

  private final List<String> causesMissingFromBrokerLog = new ArrayList<>();

  /** Each failure's cause, as the broker names it, must be in our broker's log. */
  private void checkBrokerLog(Report report, dev.mqttls.testing.LogCapture log) {
    for (Finding f : report.failures()) {
      f.code()
          .brokerLogCause()
          .ifPresent(
              cause -> {
                if (log.await(
                        line -> line.contains("(" + cause.name() + ")"), Duration.ofSeconds(5))
                    .isEmpty()) {
                  causesMissingFromBrokerLog.add(f.code() + " -> " + cause + " in " + log.lines());
                }
              });
    }
  }

  @org.junit.jupiter.api.AfterEach
  void brokerLogNamedTheSameCause() {
    assertThat(causesMissingFromBrokerLog).isEmpty();
  }

  /**
   * Both brokers name why they refuse a client certificate in their alert (unknown_ca,
   * certificate_revoked, ...), so the doctor must give the specific finding on both, never the
   * generic CLIENT_CERT_REJECTED.
   */
  private static void assertClientCertRefusal(Report r, FindingCode specific) {
    assertHas(r, specific);
    assertThat(r.findings().stream().map(Finding::code).toList())
        .as(r.toJson())
        .doesNotContain(FindingCode.CLIENT_CERT_REJECTED);
  }

  private static void assertHas(Report r, FindingCode code) {
    assertThat(r.findings().stream().map(Finding::code).toList()).as(r.toJson()).contains(code);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void allGood(Kind kind) {
    newCa();
    tls(localhostServer());
    Report r = probe(kind, true, o -> o.caFile(caFile).serverName("localhost").versionProbes(true));
    assertThat(r.failures()).as(r.toJson()).isEmpty();
    assertHas(r, FindingCode.MQTT_ROUND_TRIP);
    assertHas(r, FindingCode.TLS_LEGACY_REFUSED);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void selfSigned(Kind kind) {
    newCa();
    tls(TestCerts.selfSignedServer("localhost", LOCALHOST, List.of()));
    assertHas(
        probe(kind, true, o -> o.caFile(caFile).serverName("localhost")),
        FindingCode.SERVER_SELF_SIGNED);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void caFileHoldsLeaf(Kind kind) {
    newCa();
    TestCerts.Held server = localhostServer();
    tls(server);
    Path leaf = write("leaf.crt", server.certPem());
    assertHas(
        probe(kind, true, o -> o.caFile(leaf).serverName("localhost")),
        FindingCode.CAFILE_HOLDS_LEAF);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void wrongCa(Kind kind) {
    newCa();
    tls(localhostServer());
    Path other = write("other.crt", TestCerts.rootCa("Doctor Interop CA").certPem());
    assertHas(
        probe(kind, true, o -> o.caFile(other).serverName("localhost")),
        FindingCode.SERVER_WRONG_CA);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void missingIntermediate(Kind kind) {
    newCa();
    TestCerts.Held inter = TestCerts.intermediate(ca, "Doctor Interop Intermediate");
    tls(TestCerts.server(inter, "localhost", LOCALHOST, List.of()));
    assertHas(
        probe(kind, true, o -> o.caFile(caFile).serverName("localhost")),
        FindingCode.SERVER_ISSUER_MISSING);
  }

  // Mosquitto only: our broker refuses to start a listener whose certificate is expired or not
  // yet valid (tls module, TlsMaterialException naming the file), so it can never present one.
  @ParameterizedTest
  @EnumSource(
      value = FindingCode.class,
      names = {"SERVER_CERT_EXPIRED", "SERVER_CERT_NOT_YET_VALID"})
  void serverCertOutsideItsValidity_onMosquitto(FindingCode expected) {
    Instant[] validity =
        expected == FindingCode.SERVER_CERT_EXPIRED ? TestCerts.expired() : TestCerts.notYetValid();
    newCa();
    tls(
        TestCerts.leaf(
            ca, "localhost", LOCALHOST, List.of(), KeyPurposeId.id_kp_serverAuth, validity));
    assertHas(probe(Kind.MOSQUITTO, true, o -> o.caFile(caFile).serverName("localhost")), expected);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void nameMismatch(Kind kind) {
    newCa();
    tls(TestCerts.server(ca, "broker.example", List.of("broker.example"), List.of()));
    assertHas(
        probe(kind, true, o -> o.caFile(caFile).serverName("localhost")),
        FindingCode.NAME_MISMATCH);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void ipWithoutIpSan(Kind kind) {
    newCa();
    tls(localhostServer());
    assertHas(probe(kind, true, o -> o.caFile(caFile)), FindingCode.IP_NOT_IN_SAN);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void requireCertificateWithoutClientCertificate(Kind kind) {
    newCa();
    tls(localhostServer());
    listener.add("require_certificate true");
    assertHas(
        probe(kind, true, o -> o.caFile(caFile).serverName("localhost")),
        FindingCode.CLIENT_CERT_REQUIRED);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void untrustedClientCertificate(Kind kind) {
    newCa();
    tls(localhostServer());
    listener.add("require_certificate true");
    TestCerts.Held device = TestCerts.device(TestCerts.rootCa("Stranger CA"), "device-1");
    Path cert = write("device.crt", device.certPem());
    Path key = write("device.key", device.keyPem());
    assertClientCertRefusal(
        probe(
            kind, true, o -> o.caFile(caFile).serverName("localhost").certFile(cert).keyFile(key)),
        FindingCode.CLIENT_CERT_UNTRUSTED);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void revokedClientCertificate(Kind kind) {
    newCa();
    TestCerts.Held device = TestCerts.device(ca, "device-revoked");
    Path crl =
        write(
            "ca.crl",
            TestCerts.pem(
                TestCerts.crl(ca, List.of(device.cert()), Instant.now().plus(Duration.ofDays(7)))));
    tls(localhostServer());
    listener.add("require_certificate true");
    listener.add("crlfile " + crl);
    Path cert = write("device.crt", device.certPem());
    Path key = write("device.key", device.keyPem());
    assertClientCertRefusal(
        probe(
            kind, true, o -> o.caFile(caFile).serverName("localhost").certFile(cert).keyFile(key)),
        FindingCode.CLIENT_CERT_REVOKED);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void expiredClientCertificate(Kind kind) {
    newCa();
    tls(localhostServer());
    listener.add("require_certificate true");
    TestCerts.Held device =
        TestCerts.leaf(
            ca,
            "device-old",
            List.of(),
            List.of(),
            org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth,
            TestCerts.expired());
    Path cert = write("device.crt", device.certPem());
    Path key = write("device.key", device.keyPem());
    assertClientCertRefusal(
        probe(
            kind, true, o -> o.caFile(caFile).serverName("localhost").certFile(cert).keyFile(key)),
        FindingCode.CLIENT_CERT_EXPIRED);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void clientCertificateForServerUseOnly(Kind kind) {
    newCa();
    tls(localhostServer());
    listener.add("require_certificate true");
    TestCerts.Held device =
        TestCerts.leaf(
            ca,
            "device-serverauth",
            List.of(),
            List.of(),
            org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth,
            TestCerts.valid());
    Path cert = write("device.crt", device.certPem());
    Path key = write("device.key", device.keyPem());
    assertClientCertRefusal(
        probe(
            kind, true, o -> o.caFile(caFile).serverName("localhost").certFile(cert).keyFile(key)),
        FindingCode.CLIENT_CERT_WRONG_USAGE);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void clientCertificateRefusals_asATls12Device(Kind kind) {
    newCa();
    TestCerts.Held revoked = TestCerts.device(ca, "device-revoked");
    Path crl =
        write(
            "ca.crl",
            TestCerts.pem(
                TestCerts.crl(
                    ca, List.of(revoked.cert()), Instant.now().plus(Duration.ofDays(7)))));
    tls(localhostServer());
    listener.add("require_certificate true");
    listener.add("crlfile " + crl);
    TestCerts.Held stranger = TestCerts.device(TestCerts.rootCa("Stranger CA"), "device-x");
    try (Running r = start(kind)) {
      java.util.function.BiFunction<String, TestCerts.Held, Report> as =
          (name, device) -> {
            ProbeOptions.Builder o =
                ProbeOptions.builder("mqtts://127.0.0.1:" + r.port())
                    .timeout(Duration.ofSeconds(3))
                    .versionProbes(false)
                    .costProbe(false)
                    .caFile(caFile)
                    .serverName("localhost")
                    .tls12Only(true);
            if (device != null) {
              o.certFile(write(name + ".crt", device.certPem()))
                  .keyFile(write(name + ".key", device.keyPem()));
            }
            Report report = Probe.run(o.build());
            r.log().ifPresent(log -> checkBrokerLog(report, log));
            return report;
          };
      assertHas(as.apply("none", null), FindingCode.CLIENT_CERT_REQUIRED);
      assertClientCertRefusal(as.apply("stranger", stranger), FindingCode.CLIENT_CERT_UNTRUSTED);
      assertClientCertRefusal(as.apply("revoked", revoked), FindingCode.CLIENT_CERT_REVOKED);
    }
  }

  /**
   * Our JDK engine (tls_engine jdk, and every device that asks for max_fragment_length) names the
   * refusal too in TLS 1.2, where the alert travels in clear.
   */
  @org.junit.jupiter.api.Test
  void clientCertificateRefusals_onOurJdkEngine_asATls12Device() {
    listener.add("tls_engine jdk");
    clientCertificateRefusals_asATls12Device(Kind.MQTTLS);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void clientKeyMismatch(Kind kind) {
    newCa();
    tls(localhostServer());
    listener.add("require_certificate true");
    Path cert = write("device.crt", TestCerts.device(ca, "device-1").certPem());
    Path key = write("other.key", TestCerts.device(ca, "device-2").keyPem());
    assertHas(
        probe(
            kind, true, o -> o.caFile(caFile).serverName("localhost").certFile(cert).keyFile(key)),
        FindingCode.CLIENT_KEY_MISMATCH);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void legacyTlsOnlyProbe_refusedByA12PlusBroker(Kind kind) {
    newCa();
    tls(localhostServer());
    listener.add("tls_version tlsv1.2");
    Report r = probe(kind, true, o -> o.caFile(caFile).serverName("localhost").versionProbes(true));
    assertHas(r, FindingCode.TLS_LEGACY_REFUSED);
    assertThat(r.findings().stream().map(Finding::code))
        .doesNotContain(FindingCode.TLS_LEGACY_ACCEPTED);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void plainPortGivenAsTls(Kind kind) {
    assertHas(probe(kind, true, o -> {}), FindingCode.PORT_PLAIN_GIVEN_AS_TLS);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tlsPortGivenAsPlain(Kind kind) {
    newCa();
    tls(localhostServer());
    assertHas(probe(kind, false, o -> {}), FindingCode.PORT_TLS_GIVEN_AS_PLAIN);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void wrongPassword(Kind kind) {
    newCa();
    anonymous = false;
    global.add("password_file " + write("passwd", passwdLine("alice", "right")));
    tls(localhostServer());
    assertHas(
        probe(
            kind,
            true,
            o ->
                o.caFile(caFile)
                    .serverName("localhost")
                    .username("alice")
                    .password("wrong".toCharArray())),
        FindingCode.MQTT_BAD_CREDENTIALS);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aclDeniesTestTopic(Kind kind) {
    newCa();
    global.add("acl_file " + write("acl", "topic readwrite allowed/#\n"));
    tls(localhostServer());
    Report r =
        probe(
            kind,
            true,
            o -> o.caFile(caFile).serverName("localhost").mqttVersion(ProbeOptions.MqttVersion.V5));
    List<FindingCode> codes = r.findings().stream().map(Finding::code).toList();
    assertThat(codes)
        .as(r.toJson())
        .containsAnyOf(
            FindingCode.MQTT_SUBSCRIBE_DENIED,
            FindingCode.MQTT_PUBLISH_DENIED,
            FindingCode.MQTT_MESSAGE_LOST);
    assertThat(codes).as(r.toJson()).doesNotContain(FindingCode.MQTT_ROUND_TRIP);
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
}
