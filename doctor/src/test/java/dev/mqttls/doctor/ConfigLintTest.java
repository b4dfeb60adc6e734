package dev.mqttls.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.certs.TestCerts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqttls doctor --config}: each broken configuration file yields its finding code. */
class ConfigLintTest {
  @TempDir Path dir;

  private TestCerts.Held ca;
  private TestCerts.Held server;
  private Path caFile;
  private Path certFile;
  private Path keyFile;

  @BeforeEach
  void material() throws IOException {
    ca = TestCerts.rootCa("Lint CA");
    server = TestCerts.server(ca, "broker", List.of("broker.example"), List.of());
    caFile = write("ca.crt", ca.certPem());
    certFile = write("server.crt", server.certPem());
    keyFile = write("server.key", server.keyPem());
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    if (name.endsWith(".key")) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }
    return p;
  }

  private Report lint(String... lines) throws IOException {
    Path conf = write("mosquitto.conf", String.join("\n", lines) + "\n");
    // As root: readability for other users is tested on its own below.
    return ConfigLint.lint(conf, "root");
  }

  private String tlsListener() {
    return "listener 8883\ncafile " + caFile + "\ncertfile " + certFile + "\nkeyfile " + keyFile;
  }

  private static List<FindingCode> codes(Report r) {
    return r.findings().stream().map(Finding::code).toList();
  }

  @Test
  void goodConfig_listenerOk() throws IOException {
    Report r =
        lint(
            "per_listener_settings false",
            "listener 1883 127.0.0.1",
            tlsListener(),
            "require_certificate true",
            "use_identity_as_username true");
    assertThat(r.failures()).as(r.toJson()).isEmpty();
    assertThat(codes(r))
        .as(r.toJson())
        .containsExactly(FindingCode.CONFIG_EXPIRY, FindingCode.CONFIG_LISTENER_OK);
    Finding ok = r.findings().get(1);
    assertThat(ok.message()).contains("mosquitto.conf:3 (listener 8883)").contains("key matches");
    assertThat(r.findings().get(0).details())
        .anyMatch(d -> d.startsWith("certfile: CN=broker") && d.contains("days left"))
        .anyMatch(d -> d.startsWith("cafile:   CN=Lint CA"));
  }

  @Test
  void kubernetesStyleSymlinks_areResolved() throws IOException {
    Path data = write("secret/..2026_11_21/tls.crt", server.certPem());
    write("secret/..2026_11_21/tls.key", server.keyPem());
    Files.createSymbolicLink(dir.resolve("secret/..data"), Path.of("..2026_11_21"));
    Files.createSymbolicLink(dir.resolve("secret/tls.crt"), Path.of("..data/tls.crt"));
    Files.createSymbolicLink(dir.resolve("secret/tls.key"), Path.of("..data/tls.key"));
    assertThat(data).exists();
    Report r =
        lint(
            "listener 8883",
            "certfile " + dir.resolve("secret/tls.crt"),
            "keyfile " + dir.resolve("secret/tls.key"));
    assertThat(codes(r))
        .as(r.toJson())
        .containsExactly(FindingCode.CONFIG_EXPIRY, FindingCode.CONFIG_LISTENER_OK);
  }

  @Test
  void missingFile_andDanglingSymlink() throws IOException {
    Files.createSymbolicLink(dir.resolve("dangling.key"), Path.of("gone.key"));
    Report r =
        lint(
            "listener 8883",
            "certfile " + dir.resolve("nope.crt"),
            "keyfile " + dir.resolve("dangling.key"));
    assertThat(r.failures())
        .extracting(Finding::code)
        .containsOnly(FindingCode.CONFIG_FILE_MISSING)
        .hasSize(2);
    assertThat(r.toJson())
        .contains("mosquitto.conf:2: certfile")
        .contains("symbolic link to gone.key");
  }

  @Test
  void fileNotReadableByTheBrokersUser() throws IOException {
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    Path conf = write("mosquitto.conf", tlsListener() + "\n");
    String owner = Files.getOwner(keyFile).getName();
    String other = owner.equals("nobody") ? "daemon" : "nobody";
    Report r = ConfigLint.lint(conf, other);
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_FILE_NOT_READABLE);
    assertThat(r.toJson()).contains("server.key").contains(other);
  }

  @Test
  void startedAsRootWithoutUserDirective_checksAsRoot_andNamesTheFlagForMosquitto()
      throws IOException {
    // The mqttls broker runs as whoever starts it (it never changes user), so a root-only
    // directory is fine for it; Mosquitto would drop to "mosquitto", checked on request.
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name"))
            && Files.readString(Path.of("/etc/passwd")).contains("\nmosquitto:"),
        "needs root and Debian's mosquitto user");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path conf = write("mosquitto.conf", tlsListener() + "\n");
    Report r = ConfigLint.lint(conf, null);
    assertThat(codes(r))
        .as(r.toJson())
        .containsExactly(
            FindingCode.CONFIG_CHECKED_AS_USER,
            FindingCode.CONFIG_EXPIRY,
            FindingCode.CONFIG_LISTENER_OK);
    assertThat(r.findings().get(0).message()).contains("--broker-user mosquitto");
    Report forMosquitto = ConfigLint.lint(conf, "mosquitto");
    assertThat(codes(forMosquitto))
        .as(forMosquitto.toJson())
        .contains(FindingCode.CONFIG_FILE_NOT_READABLE);
    assertThat(forMosquitto.toJson()).contains("the broker's user mosquitto cannot read it");
    Path withUserRoot = write("root.conf", "user root\n" + tlsListener() + "\n");
    Report ok = ConfigLint.lint(withUserRoot, null);
    assertThat(codes(ok))
        .as(ok.toJson())
        .containsExactly(FindingCode.CONFIG_EXPIRY, FindingCode.CONFIG_LISTENER_OK);
  }

  @Test
  void unknownDirective_failsNamingFileAndLine_neverTheValue() throws IOException {
    Report r = lint("keyfile_pasword hunter2", tlsListener());
    assertThat(r.failures())
        .extracting(Finding::code)
        .containsExactly(FindingCode.CONFIG_DIRECTIVE_UNKNOWN);
    assertThat(r.failures().get(0).message())
        .startsWith(dir.resolve("mosquitto.conf") + ":1: keyfile_pasword: unknown directive");
    assertThat(r.toJson()).doesNotContain("hunter2");
  }

  @Test
  void notYetSupportedDirective_failsWithMosquittosMeaning() throws IOException {
    Report r = lint("memory_limit 10", tlsListener());
    assertThat(r.failures())
        .extracting(Finding::code)
        .containsExactly(FindingCode.CONFIG_DIRECTIVE_UNSUPPORTED);
    assertThat(r.failures().get(0).message())
        .contains(":1: memory_limit: not yet supported")
        .contains("heap");
  }

  @Test
  void badValues_failAsTheBrokerWould() throws IOException {
    Report r =
        lint(
            "allow_anonymous maybe",
            "max_keepalive 70000",
            "persistent_client_expiration 5x",
            tlsListener(),
            "tls_version tlsv9");
    assertThat(r.failures())
        .extracting(Finding::code)
        .containsExactly(
            FindingCode.CONFIG_DIRECTIVE_INVALID,
            FindingCode.CONFIG_DIRECTIVE_INVALID,
            FindingCode.CONFIG_DIRECTIVE_INVALID,
            FindingCode.CONFIG_DIRECTIVE_INVALID);
    assertThat(r.failures())
        .extracting(Finding::message)
        .anyMatch(m -> m.contains(":1: allow_anonymous: must be true or false, got 'maybe'"))
        .anyMatch(m -> m.contains(":2: max_keepalive: 70000 is out of range 0..65535"))
        .anyMatch(m -> m.contains(":3: persistent_client_expiration: '5x' has unknown unit"))
        .anyMatch(m -> m.contains(":8: tls_version: expected tlsv1.3, tlsv1.2"));
  }

  @Test
  void worldReadableKey_isAWarning() throws IOException {
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    Report r = lint(tlsListener());
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_KEY_EXPOSED);
    assertThat(r.passed()).isTrue();
  }

  @Test
  void certfileOutOfOrder() throws IOException {
    TestCerts.Held inter = TestCerts.intermediate(ca, "Lint Intermediate");
    TestCerts.Held leaf = TestCerts.server(inter, "broker", List.of("broker.example"), List.of());
    Path chain = write("chain.crt", leaf.certPem() + ca.certPem() + inter.certPem());
    Path key = write("leaf.key", leaf.keyPem());
    Report r = lint("listener 8883", "cafile " + caFile, "certfile " + chain, "keyfile " + key);
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_CHAIN_ORDER);
  }

  @Test
  void serverCertificateWithoutServerAuthOrNames() throws IOException {
    TestCerts.Held device = TestCerts.device(ca, "device-1");
    Path cert = write("device.crt", device.certPem());
    Path key = write("device.key", device.keyPem());
    Report r = lint("listener 8883", "certfile " + cert, "keyfile " + key);
    assertThat(r.findings())
        .as(r.toJson())
        .filteredOn(f -> f.code() == FindingCode.CONFIG_CERT_UNSUITABLE)
        .extracting(Finding::status)
        .containsExactlyInAnyOrder(dev.mqttls.doctor.Status.FAIL, dev.mqttls.doctor.Status.WARN);
  }

  @Test
  void keyDoesNotMatchCertificate() throws IOException {
    Path otherKey = write("other.key", TestCerts.server(ca, "x", List.of("x"), List.of()).keyPem());
    Report r = lint("listener 8883", "certfile " + certFile, "keyfile " + otherKey);
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_KEY_MISMATCH);
  }

  @Test
  void chainDoesNotBuildToCafile() throws IOException {
    Path otherCa = write("other-ca.crt", TestCerts.rootCa("Other CA").certPem());
    Report r =
        lint("listener 8883", "cafile " + otherCa, "certfile " + certFile, "keyfile " + keyFile);
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_CHAIN_BROKEN);
  }

  @Test
  void intermediateInCertfile_chainBuilds() throws IOException {
    TestCerts.Held inter = TestCerts.intermediate(ca, "Lint Intermediate");
    TestCerts.Held leaf = TestCerts.server(inter, "broker", List.of("broker.example"), List.of());
    Path chain = write("chain.crt", leaf.certPem() + inter.certPem());
    Path key = write("leaf.key", leaf.keyPem());
    Report ok = lint("listener 8883", "cafile " + caFile, "certfile " + chain, "keyfile " + key);
    assertThat(codes(ok))
        .as(ok.toJson())
        .containsExactly(FindingCode.CONFIG_EXPIRY, FindingCode.CONFIG_LISTENER_OK);
    Path leafOnly = write("leaf.crt", leaf.certPem());
    Report broken =
        lint("listener 8883", "cafile " + caFile, "certfile " + leafOnly, "keyfile " + key);
    assertThat(codes(broken)).as(broken.toJson()).contains(FindingCode.CONFIG_CHAIN_BROKEN);
  }

  @Test
  void expiredAndExpiringCertificates() throws IOException {
    TestCerts.Held old =
        TestCerts.leaf(
            ca,
            "old",
            List.of("old"),
            List.of(),
            KeyPurposeId.id_kp_serverAuth,
            TestCerts.expired());
    Path oldCert = write("old.crt", old.certPem());
    Path oldKey = write("old.key", old.keyPem());
    Report r = lint("listener 8883", "certfile " + oldCert, "keyfile " + oldKey);
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_CERT_EXPIRED);
    Instant now = Instant.now();
    TestCerts.Held soon =
        TestCerts.leaf(
            ca,
            "soon",
            List.of("soon"),
            List.of(),
            KeyPurposeId.id_kp_serverAuth,
            new Instant[] {now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(10))});
    Path soonCert = write("soon.crt", soon.certPem());
    Path soonKey = write("soon.key", soon.keyPem());
    Report s = lint("listener 8883", "certfile " + soonCert, "keyfile " + soonKey);
    assertThat(codes(s)).as(s.toJson()).contains(FindingCode.CONFIG_CERT_EXPIRES_SOON);
    assertThat(s.passed()).isTrue();
  }

  @Test
  void staleCrl() throws IOException {
    Path crl =
        write(
            "ca.crl",
            TestCerts.pem(TestCerts.crl(ca, List.of(), Instant.now().minus(Duration.ofDays(2)))));
    Report r = lint(tlsListener(), "require_certificate true", "crlfile " + crl);
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_CRL_STALE);
    Path fresh =
        write(
            "fresh.crl",
            TestCerts.pem(TestCerts.crl(ca, List.of(), Instant.now().plus(Duration.ofDays(30)))));
    Report ok = lint(tlsListener(), "require_certificate true", "crlfile " + fresh);
    assertThat(ok.findings().get(0).details())
        .anyMatch(d -> d.startsWith("crlfile:  next update") && d.contains("in 2"));
    assertThat(codes(ok))
        .as(ok.toJson())
        .containsExactly(FindingCode.CONFIG_EXPIRY, FindingCode.CONFIG_LISTENER_OK);
  }

  @Test
  void oldTlsVersion() throws IOException {
    Report r = lint(tlsListener(), "tls_version tlsv1.1");
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_TLS_VERSION_OLD);
  }

  @Test
  void weakCiphers() throws IOException {
    Report r = lint(tlsListener(), "ciphers ECDHE-ECDSA-AES128-GCM-SHA256:RC4-SHA:DES-CBC3-SHA");
    assertThat(codes(r))
        .as(r.toJson())
        .contains(FindingCode.CONFIG_CIPHERS_WEAK)
        .doesNotContain(FindingCode.CONFIG_CIPHERS_KEY_MISMATCH);
  }

  @Test
  void ecdsaKeyWithRsaOnlyCiphers() throws IOException {
    Report r =
        lint(tlsListener(), "ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_CIPHERS_KEY_MISMATCH);
    assertThat(r.toJson()).contains("no shared cipher");
    Report generic = lint(tlsListener(), "ciphers HIGH:!aNULL");
    assertThat(codes(generic))
        .as(generic.toJson())
        .containsExactly(FindingCode.CONFIG_EXPIRY, FindingCode.CONFIG_LISTENER_OK);
  }

  @Test
  void requireCertificateWithoutCafile() throws IOException {
    Report r =
        lint(
            "listener 8883",
            "certfile " + certFile,
            "keyfile " + keyFile,
            "require_certificate true");
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_REQUIRE_CERT_WITHOUT_CA);
  }

  @Test
  void useIdentityAsUsernameWithoutRequireCertificate() throws IOException {
    Report r = lint(tlsListener(), "use_identity_as_username true");
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_IDENTITY_WITHOUT_REQUIRE_CERT);
  }

  @Test
  void tlsSettingsWithoutCertfile_listenerIsPlain() throws IOException {
    Report r = lint("listener 8883", "cafile " + caFile, "require_certificate true");
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_TLS_INCOMPLETE);
  }

  @Test
  void tlsSettingsThatDoNotFitTogether_failAsTheBrokerRefusesThem() throws IOException {
    Report r =
        lint(
            tlsListener(),
            "require_certificate true",
            "use_identity_as_username true",
            "use_subject_as_username true");
    assertThat(r.failures())
        .extracting(Finding::code)
        .containsExactly(FindingCode.CONFIG_DIRECTIVE_INVALID);
    assertThat(r.failures().get(0).message())
        .contains("mosquitto.conf:1 (listener 8883)")
        .contains("use_identity_as_username and use_subject_as_username exclude each other");
    Report incomplete = lint("listener 8883", "cafile " + caFile, "require_certificate true");
    assertThat(incomplete.failures())
        .as(incomplete.toJson())
        .extracting(Finding::code)
        .containsExactly(FindingCode.CONFIG_TLS_INCOMPLETE);
    assertThat(incomplete.failures().get(0).message()).contains("refuses to start");
  }

  @Test
  void includeDir_isFollowed_andNamesTheIncludedFileAndLine() throws IOException {
    write(
        "conf.d/10-tls.conf",
        "listener 8883\ncertfile " + dir.resolve("gone.crt") + "\nkeyfile " + keyFile + "\n");
    write("conf.d/README", "not a .conf file: ignored\n");
    Report r = lint("include_dir " + dir.resolve("conf.d"));
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_FILE_MISSING);
    assertThat(r.toJson()).contains("10-tls.conf:2: certfile");
  }

  @Test
  void includeDirThatCannotBeRead_isNamedAsNotFollowed() throws IOException {
    Report r = lint("include_dir " + dir.resolve("no-such-dir"), tlsListener());
    assertThat(codes(r)).as(r.toJson()).contains(FindingCode.CONFIG_NOT_FOLLOWED);
  }

  @Test
  void unreadableConfig() {
    Report r = ConfigLint.lint(dir.resolve("missing.conf"), null);
    assertThat(codes(r)).containsExactly(FindingCode.CONFIG_UNREADABLE);
  }
}
