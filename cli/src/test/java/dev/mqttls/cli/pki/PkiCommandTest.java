package dev.mqttls.cli.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {
  @TempDir Path tmp;
  Path dir;
  PkiCli pki;

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("pki");
    pki = new PkiCli(dir);
  }

  /** A refusal: exit 1, one line on stderr naming the cause, no stack trace. */
  private static void assertRefused(PkiCli.Run r, String cause) {
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.err().lines()).as(r.toString()).hasSize(1);
    assertThat(r.err()).contains(cause).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static X509Certificate cert(Path file) throws Exception {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private void assertNoTempFiles() throws Exception {
    try (Stream<Path> all = Files.walk(tmp)) {
      assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void init_createsCa_secondInitRefused() throws Exception {
    PkiCli.Run r = pki.run("init", "--name", "Acme Devices");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Created CA \"CN=Acme Devices\" (ECDSA P-256");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
        .isEqualTo("rw-------");
    byte[] key = Files.readAllBytes(dir.resolve("ca.key"));
    assertRefused(pki.run("init"), "already exists");
    assertThat(Files.readAllBytes(dir.resolve("ca.key"))).isEqualTo(key);
  }

  @Test
  void init_rsaWithIntermediate_issuesRsaLeaves() throws Exception {
    String bits = "2048";
    assertThat(pki.run("init", "--rsa", bits, "--intermediate", "--days", "400").exit()).isZero();
    assertThat(dir.resolve("intermediate.crt")).isRegularFile();
    assertThat(pki.run("device", "d1").exit()).isZero();
    X509Certificate c = cert(dir.resolve("certs/d1.crt"));
    assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(c.getIssuerX500Principal().getName()).isEqualTo("CN=mqttls CA Issuing CA");
    PkiCli.Run show = pki.run("show", "d1");
    assertThat(show.out()).contains("Key:         RSA " + bits, "Verifies:    yes");
  }

  @Test
  void init_badRsaSize_refused() {
    assertRefused(pki.run("init", "--rsa", "1024"), "use 2048, 3072 or 4096");
    assertThat(dir.resolve("ca.crt")).doesNotExist();
  }

  @Test
  void anyCommandWithoutCa_namesInit() {
    assertRefused(pki.run("device", "d1"), "pki init");
    assertRefused(pki.run("list"), "pki init");
  }

  @Test
  void server_defaultAndExplicitSans() throws Exception {
    pki.run("init");
    PkiCli.Run r = pki.run("server", "broker");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("DNS: broker, ", "localhost", "IP:  127.0.0.1");
    PkiCli.Run r2 =
        pki.run("server", "mqtt", "--dns", "mqtt.example,mqtt2.example", "--ip", "192.168.0.111");
    assertThat(r2.exit()).as(r2.toString()).isZero();
    assertThat(pki.run("show", "mqtt").out())
        .contains("SANs:        DNS:mqtt, DNS:mqtt.example, DNS:mqtt2.example, IP:192.168.0.111")
        .contains("EKU:         serverAuth");
  }

  @Test
  void node_bothEkus_defaultAndExplicitSans() throws Exception {
    pki.run("init");
    PkiCli.Run r = pki.run("node", "node-1");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("serverAuth and clientAuth", "localhost", "IP:  127.0.0.1")
        .contains("cluster_certfile", "cluster_keyfile", "cluster_cafile");
    assertThat(pki.run("show", "node-1").out()).contains("EKU:         serverAuth, clientAuth");
    PkiCli.Run r2 = pki.run("node", "node-2", "--dns", "node-2.fleet", "--ip", "10.0.0.2");
    assertThat(r2.exit()).as(r2.toString()).isZero();
    assertThat(pki.run("show", "node-2").out())
        .contains("SANs:        DNS:node-2, DNS:node-2.fleet, IP:10.0.0.2");
    assertThat(pki.run("list").out()).contains("node-2").contains("node");
    assertRefused(pki.run("node", "10.0.0.3", "--ip", "10.0.0.3"), "--dns");
  }

  @Test
  void server_badInputs_refusedOneLine() {
    pki.run("init");
    assertRefused(pki.run("server", "s1", "--ip", "300.1.1.1"), "not an IPv4 address");
    assertRefused(pki.run("server", "s1", "--dns", "bad_name!"), "not a DNS name");
    assertRefused(pki.run("server", "10.0.0.1", "--ip", "10.0.0.1"), "--dns");
    assertRefused(pki.run("server", "../etc"), "invalid id");
  }

  @Test
  void device_singleAndFleet() throws Exception {
    pki.run("init");
    PkiCli.Run one = pki.run("device", "sensor-1");
    assertThat(one.exit()).as(one.toString()).isZero();
    assertThat(one.out()).contains("--cert " + dir.resolve("certs/sensor-1.crt"));
    assertThat(cert(dir.resolve("certs/sensor-1.crt")).getSubjectX500Principal().getName())
        .isEqualTo("CN=sensor-1");
    PkiCli.Run fleet = pki.run("device", "--count", "25", "--prefix", "bench-");
    assertThat(fleet.exit()).as(fleet.toString()).isZero();
    assertThat(fleet.out()).contains("Issued 25 device certificates bench-1 .. bench-25");
    assertThat(dir.resolve("private/bench-25.key")).isRegularFile();
    assertRefused(pki.run("device", "sensor-1"), "renew it with 'mqttls pki renew sensor-1'");
  }

  @Test
  void device_conflictingOptions_usageExit2() {
    pki.run("init");
    PkiCli.Run both = pki.run("device", "d1", "--count", "3");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("either an ID or --count");
    assertThat(pki.run("device").exit()).isEqualTo(2);
    assertThat(pki.run("device", "d1", "--rsa", "2048", "--ec").exit()).isEqualTo(2);
    assertThat(pki.run("device", "d1", "--bogus").exit()).isEqualTo(2);
  }

  @Test
  void device_csrFromOpenssl_signed_andTamperedCsrRefused() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl missing: run ./test.sh");
    pki.run("init");
    Process p =
        new ProcessBuilder(
                "/usr/bin/openssl",
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                tmp.resolve("m.key").toString(),
                "-subj",
                "/CN=modem",
                "-out",
                tmp.resolve("m.csr").toString())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
    PkiCli.Run ok = pki.run("device", "modem-1", "--csr", tmp.resolve("m.csr").toString());
    assertThat(ok.exit()).as(ok.toString()).isZero();
    assertThat(ok.out()).contains("private key stays on the device");
    assertThat(dir.resolve("private/modem-1.key")).doesNotExist();

    String pem = Files.readString(tmp.resolve("m.csr"));
    byte[] der = java.util.Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    der[der.length - 4] ^= 0x55;
    Files.write(tmp.resolve("bad.csr"), der);
    assertRefused(pki.run("device", "modem-2", "--csr", tmp.resolve("bad.csr").toString()), "CSR");
    assertThat(dir.resolve("certs/modem-2.crt")).doesNotExist();
    assertRefused(
        pki.run("device", "modem-3", "--csr", tmp.resolve("missing.csr").toString()),
        "no such file");
  }

  @Test
  void revoke_andCrl_idempotent() throws Exception {
    pki.run("init");
    pki.run("device", "d1");
    pki.run("device", "d2");
    PkiCli.Run r = pki.run("revoke", "d1", "--reason", "key-compromise");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Revoked d1", "1 revoked");
    assertRefused(pki.run("revoke", "d1"), "already revoked");
    assertRefused(pki.run("revoke", "ghost"), "no certificate with id or serial 'ghost'");
    assertRefused(pki.run("revoke", "d2", "--reason", "bored"), "unknown revocation reason");
    byte[] crl = Files.readAllBytes(dir.resolve("crl.pem"));
    PkiCli.Run c1 = pki.run("crl");
    assertThat(c1.exit()).isZero();
    assertThat(c1.out()).contains("Current, unchanged", "1 revoked", "next update");
    assertThat(Files.readAllBytes(dir.resolve("crl.pem"))).isEqualTo(crl);
    PkiCli.Run forced = pki.run("crl", "--force", "--days", "7");
    assertThat(forced.out()).contains("Wrote", "(in 6 days)");
    assertThat(pki.run("list").out()).contains("revoked").contains("key-compromise");
  }

  @Test
  void export_formats() throws Exception {
    pki.run("init");
    pki.run("device", "d1");
    PkiCli.Run h = pki.run("export", "ca", "--format", "c-header", "--name", "broker_ca");
    assertThat(h.exit()).as(h.toString()).isZero();
    assertThat(h.out())
        .contains("const char broker_ca[] =", "const size_t broker_ca_len = sizeof(broker_ca);");
    Path out = tmp.resolve("d1.h");
    PkiCli.Run withKey =
        pki.run("export", "d1", "--format", "c-header", "--with-key", "-o", out.toString());
    assertThat(withKey.exit()).as(withKey.toString()).isZero();
    assertThat(Files.readString(out)).contains("mqttls_device_key[]");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
        .isEqualTo("rw-------");
    PkiCli.Run at = pki.run("export", "d1", "--format", "nrf-at", "--sec-tag", "42");
    assertThat(at.out()).startsWith("AT%CMNG=0,42,0,\"-----BEGIN CERTIFICATE-----\n");
    assertThat(at.out()).contains("AT%CMNG=0,42,1,").doesNotContain("AT%CMNG=0,42,2,");
    assertThat(pki.run("export", "ca", "--format", "zephyr").out())
        .contains("#define CA_CERTIFICATE \\");
    Path der = tmp.resolve("ca.der");
    assertThat(pki.run("export", "ca", "--format", "der", "-o", der.toString()).exit()).isZero();
    assertThat(Files.readAllBytes(der)).isEqualTo(cert(dir.resolve("ca.crt")).getEncoded());

    Path pw = tmp.resolve("pw.txt");
    Files.writeString(pw, "export-pw\n");
    Path p12 = tmp.resolve("d1.p12");
    PkiCli.Run r =
        pki.run(
            "export",
            "d1",
            "--format",
            "p12",
            "--password-file",
            pw.toString(),
            "-o",
            p12.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(new ByteArrayInputStream(Files.readAllBytes(p12)), "export-pw".toCharArray());
    assertThat(ks.getKey("d1", "export-pw".toCharArray())).isNotNull();
    assertThat(r.out() + r.err()).doesNotContain("export-pw");
  }

  @Test
  void export_badInputs_refusedAndNoFileWritten() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl missing: run ./test.sh");
    pki.run("init");
    pki.run("device", "d1");
    Process p =
        new ProcessBuilder(
                "/usr/bin/openssl",
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                tmp.resolve("m.key").toString(),
                "-subj",
                "/CN=modem",
                "-out",
                tmp.resolve("m.csr").toString())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    pki.run("device", "modem", "--csr", tmp.resolve("m.csr").toString());
    Path out = tmp.resolve("modem.h");
    assertRefused(
        pki.run("export", "modem", "--format", "c-header", "--with-key", "-o", out.toString()),
        "needs the private key of modem");
    assertThat(out).doesNotExist();
    assertRefused(pki.run("export", "d1", "--format", "nrf-at"), "--sec-tag");
    assertRefused(pki.run("export", "d1", "--format", "pfx"), "unknown export format");
    assertRefused(
        pki.run("export", "nobody", "--format", "pem"), "no certificate with id 'nobody'");
    assertRefused(
        pki.run("export", "d1", "--format", "p12", "-o", tmp.resolve("x.p12").toString()),
        "needs a password");
    assertThat(tmp.resolve("x.p12")).doesNotExist();
    assertThat(pki.run("export", "d1", "--format", "der").exit()).isEqualTo(2);
    assertRefused(pki.run("export", "ca", "--format", "pem", "--with-key"), "never exported");
    assertNoTempFiles();
  }

  @Test
  void list_tableAndJson() {
    pki.run("init");
    assertThat(pki.run("list").out()).contains("No certificates issued yet");
    pki.run("server", "broker", "--dns", "localhost");
    pki.run("device", "d1");
    PkiCli.Run table = pki.run("list");
    assertThat(table.out().lines().toList()).hasSize(3);
    assertThat(table.out())
        .contains("ID", "DAYS LEFT", "broker", "server", "d1", "device", "valid");
    PkiCli.Run json = pki.run("list", "--json");
    assertThat(json.out()).startsWith("[{\"id\":\"broker\",\"kind\":\"server\",\"serial\":\"");
    assertThat(json.out()).contains("\"revoked\":false", "\"daysLeft\":");
  }

  @Test
  void show_fileIdJsonAndWithoutCa() throws Exception {
    pki.run("init");
    pki.run("device", "d1");
    PkiCli.Run byId = pki.run("show", "d1");
    assertThat(byId.out())
        .contains(
            "Subject:     CN=d1",
            "Issuer:      CN=mqttls CA",
            "EKU:         clientAuth",
            "Key:         ECDSA 256")
        .contains("SHA-256:", "CA:          no", "Verifies:    yes");
    PkiCli.Run json = pki.run("show", dir.resolve("certs/d1.crt").toString(), "--json");
    assertThat(json.out()).contains("\"subject\":\"CN=d1\"", "\"verified\":true", "\"ca\":false");
    PkiCli.Run noCa =
        PkiCli.runRaw(
            "--dir", tmp.resolve("none").toString(), "show", dir.resolve("ca.crt").toString());
    assertThat(noCa.exit()).as(noCa.toString()).isZero();
    assertThat(noCa.out()).contains("CA:          yes", "Verifies:    (no CA in");
    Files.writeString(tmp.resolve("junk.crt"), "not a certificate");
    assertRefused(pki.run("show", tmp.resolve("junk.crt").toString()), "junk.crt");
  }

  @Test
  void corruptCaKey_refusedOneLine_nothingWritten() throws Exception {
    pki.run("init");
    Files.writeString(
        dir.resolve("ca.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertRefused(pki.run("device", "d1"), "ca.key is corrupt");
    assertThat(dir.resolve("certs/d1.crt")).doesNotExist();
    assertThat(dir.resolve("private/d1.key")).doesNotExist();
    assertRefused(pki.run("revoke", "d1"), "no certificate");
    assertNoTempFiles();
  }

  @Test
  void encryptedCa_passwordFromFile_wrongPasswordRefused() throws Exception {
    Path pw = tmp.resolve("ca.pw");
    Files.writeString(pw, "correct horse\n");
    Path wrong = tmp.resolve("wrong.pw");
    Files.writeString(wrong, "battery staple\n");
    assertThat(pki.run("--ca-password-file", pw.toString(), "init").exit()).isZero();
    assertThat(Files.readString(dir.resolve("ca.key"))).contains("ENCRYPTED PRIVATE KEY");
    assertRefused(pki.run("device", "d1"), "ca.key is encrypted");
    PkiCli.Run bad = pki.run("--ca-password-file", wrong.toString(), "device", "d1");
    assertRefused(bad, "wrong password for ca.key");
    assertThat(bad.err()).doesNotContain("battery");
    assertThat(dir.resolve("certs/d1.crt")).doesNotExist();
    // The option also works after the subcommand.
    assertThat(pki.run("device", "d1", "--ca-password-file", pw.toString()).exit()).isZero();
    // Listing and exporting certificates need no password.
    assertThat(pki.run("list").exit()).isZero();
  }

  @Test
  void concurrentProcesses_indexKeepsEveryCertificate() throws Exception {
    pki.run("init");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new java.util.ArrayList<>();
    try {
      for (String prefix : List.of("a-", "b-", "c-")) {
        processes.add(
            new ProcessBuilder(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.mqttls.cli.Main",
                    "pki",
                    "--dir",
                    dir.toString(),
                    "device",
                    "--count",
                    "20",
                    "--prefix",
                    prefix)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve(prefix + "out").toFile())
                .start());
      }
      for (Process p : processes) {
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
    PkiCli.Run list = pki.run("list", "--json");
    assertThat(list.exit()).as(list.toString()).isZero();
    for (String prefix : List.of("a-", "b-", "c-")) {
      assertThat(list.out()).contains("\"id\":\"" + prefix + "1\"", "\"id\":\"" + prefix + "20\"");
    }
    assertThat(
            Files.readAllLines(dir.resolve("index.txt")).stream().filter(l -> !l.startsWith("#")))
        .hasSize(60);
  }

  @Test
  void noSubcommand_usageExit2() {
    PkiCli.Run r = PkiCli.runRaw();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Usage: pki", "init", "export");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub :
        List.of("init", "server", "device", "revoke", "crl", "export", "list", "show")) {
      PkiCli.Run r = PkiCli.runRaw(sub, "--help");
      assertThat(r.exit()).as(sub).isZero();
      assertThat(r.out()).as(sub).contains("Usage: pki " + sub, "--dir");
    }
  }
}
