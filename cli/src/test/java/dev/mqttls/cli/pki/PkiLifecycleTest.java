package dev.mqttls.cli.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate lifecycle on the command line (renew, rekey, re-issue after revoke, expiring
 * list, the timer's --renew-before, CA rollover and retirement), each result checked by openssl.
 */
class PkiLifecycleTest {
  private static final Path OPENSSL = Path.of("/usr/bin/openssl");
  private static final Pattern SERIAL = Pattern.compile("serial=([0-9A-F]+)");

  @TempDir Path tmp;
  Path dir;
  PkiCli pki;

  @BeforeEach
  void setUp() {
    assumeTrue(Files.isExecutable(OPENSSL), "openssl missing: run ./test.sh");
    dir = tmp.resolve("pki");
    pki = new PkiCli(dir);
    ok(pki.run("init"));
  }

  private static PkiCli.Run ok(PkiCli.Run r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  record Out(int exit, String text) {}

  private Out openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(OPENSSL.toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return new Out(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  private String serial(String certFile) throws Exception {
    Out o = openssl("x509", "-in", certFile, "-noout", "-serial");
    Matcher m = SERIAL.matcher(o.text());
    assertThat(m.find()).as(o.text()).isTrue();
    return m.group(1).replaceFirst("^0+", "").toLowerCase(Locale.ROOT);
  }

  private String publicKey(String certFile) throws Exception {
    return openssl("x509", "-in", certFile, "-noout", "-pubkey").text();
  }

  private void verifies(String... args) throws Exception {
    Out o = openssl(verifyArgs(args));
    assertThat(o.exit()).as(o.text()).isZero();
    assertThat(o.text()).contains(": OK");
  }

  private Out verify(String... args) throws Exception {
    return openssl(verifyArgs(args));
  }

  private static String[] verifyArgs(String... args) {
    List<String> all = new ArrayList<>(List.of("verify"));
    all.addAll(List.of(args));
    return all.toArray(new String[0]);
  }

  private List<String> indexLines(String id) throws IOException {
    return Files.readAllLines(dir.resolve("index.txt")).stream()
        .filter(l -> l.startsWith(id + "\t"))
        .toList();
  }

  @Test
  void renew_sameKey_newSerial_oldStaysValid_indexKeepsBoth() throws Exception {
    ok(pki.run("device", "d1", "--days", "10"));
    String oldSerial = serial("certs/d1.crt");
    String oldKey = publicKey("certs/d1.crt");

    PkiCli.Run r = ok(pki.run("renew", "d1", "--days", "400"));
    assertThat(r.out()).contains("Renewed device d1").contains("same key").contains("still valid");

    String newSerial = serial("certs/d1.crt");
    assertThat(newSerial).isNotEqualTo(oldSerial);
    assertThat(publicKey("certs/d1.crt")).isEqualTo(oldKey);
    String history = "certs/history/d1." + oldSerial + ".crt";
    assertThat(serial(history)).isEqualTo(oldSerial);
    verifies("-CAfile", "ca.crt", "-purpose", "sslclient", "certs/d1.crt");
    verifies("-CAfile", "ca.crt", "-crl_check", "-CRLfile", "crl.pem", history);
    assertThat(openssl("x509", "-in", "certs/d1.crt", "-noout", "-enddate").text())
        .as("--days 400")
        .contains(
            String.valueOf(
                java.time.Instant.now()
                    .plus(java.time.Duration.ofDays(400))
                    .atZone(java.time.ZoneOffset.UTC)
                    .getYear()));
    // The key file still belongs to the renewed certificate.
    assertThat(openssl("pkey", "-in", "private/d1.key", "-pubout").text()).isEqualTo(oldKey);
    List<String> lines = indexLines("d1");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("\t" + oldSerial + "\t");
    assertThat(lines.get(1)).contains("\t" + newSerial + "\t");
    assertThat(ok(pki.run("list", "--all")).out()).contains(oldSerial).contains("(superseded)");
    assertThat(ok(pki.run("list")).out()).contains(newSerial).doesNotContain(oldSerial);
  }

  @Test
  void renew_rekey_revokeOld_oldOnCrl_newKeyMatches() throws Exception {
    ok(pki.run("device", "d1"));
    String oldSerial = serial("certs/d1.crt");
    String oldKey = publicKey("certs/d1.crt");

    PkiCli.Run r = ok(pki.run("renew", "d1", "--rekey", "--revoke-old"));
    assertThat(r.out()).contains("new key").contains("revoked (superseded)");

    String newKey = publicKey("certs/d1.crt");
    assertThat(newKey).isNotEqualTo(oldKey);
    assertThat(openssl("pkey", "-in", "private/d1.key", "-pubout").text()).isEqualTo(newKey);
    String oldKeyFile = "private/history/d1." + oldSerial + ".key";
    assertThat(openssl("pkey", "-in", oldKeyFile, "-pubout").text()).isEqualTo(oldKey);
    verifies("-CAfile", "ca.crt", "-crl_check", "-CRLfile", "crl.pem", "certs/d1.crt");
    Out revoked =
        verify(
            "-CAfile",
            "ca.crt",
            "-crl_check",
            "-CRLfile",
            "crl.pem",
            "certs/history/d1." + oldSerial + ".crt");
    assertThat(revoked.exit()).isNotZero();
    assertThat(revoked.text()).contains("certificate revoked");
    assertThat(indexLines("d1").get(0)).contains("superseded");
  }

  @Test
  void reissue_validIdRefusedWithPointerToRenew_revokedIdReissued() throws Exception {
    ok(pki.run("device", "d2"));
    String first = serial("certs/d2.crt");
    PkiCli.Run refused = pki.run("device", "d2");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("mqttls pki renew d2").doesNotContain("Exception");

    ok(pki.run("revoke", "d2"));
    PkiCli.Run again = ok(pki.run("device", "d2"));
    assertThat(again.out()).contains("Re-issued d2").contains(first).contains("revoked");

    String second = serial("certs/d2.crt");
    assertThat(second).isNotEqualTo(first);
    verifies("-CAfile", "ca.crt", "-crl_check", "-CRLfile", "crl.pem", "certs/d2.crt");
    Out old =
        verify(
            "-CAfile",
            "ca.crt",
            "-crl_check",
            "-CRLfile",
            "crl.pem",
            "certs/history/d2." + first + ".crt");
    assertThat(old.text()).contains("certificate revoked");
    assertThat(indexLines("d2")).hasSize(2);
  }

  @Test
  void listExpiring_andServerRenewBefore_forATimer() throws Exception {
    ok(pki.run("device", "soon", "--days", "10"));
    ok(pki.run("device", "later", "--days", "365"));
    ok(pki.run("server", "broker", "--dns", "broker.example", "--ip", "127.0.0.1", "--days", "20"));
    String out = ok(pki.run("list", "--expiring", "30d")).out();
    assertThat(out).contains("soon").contains("broker").doesNotContain("later");
    assertThat(ok(pki.run("list", "--expiring", "5d")).out()).contains("No certificate ends");

    String before = serial("certs/broker.crt");
    PkiCli.Run quiet = ok(pki.run("server", "broker", "--renew-before", "7d"));
    assertThat(quiet.out().lines()).hasSize(1);
    assertThat(quiet.out()).contains("nothing to do");
    assertThat(serial("certs/broker.crt")).isEqualTo(before);

    PkiCli.Run renewed = ok(pki.run("server", "broker", "--renew-before", "30d"));
    assertThat(renewed.out().lines()).hasSize(1);
    assertThat(renewed.out()).contains("broker: renewed");
    assertThat(serial("certs/broker.crt")).isNotEqualTo(before);
    verifies("-CAfile", "ca.crt", "-purpose", "sslserver", "certs/broker.crt");
    assertThat(
            openssl("x509", "-in", "certs/broker.crt", "-noout", "-ext", "subjectAltName").text())
        .contains("DNS:broker.example")
        .contains("IP Address:127.0.0.1");

    // The first run of a timer on a fresh CA issues the certificate.
    PkiCli.Run first =
        ok(pki.run("server", "edge", "--dns", "edge.example", "--renew-before", "30d"));
    assertThat(first.out()).contains("Issued server certificate edge");
  }

  @Test
  void caRollover_serverVerifiesUnderBothRoots_retireDropsOld() throws Exception {
    ok(pki.run("server", "broker", "--dns", "broker.example"));
    ok(pki.run("device", "old-dev"));
    Files.copy(dir.resolve("ca.crt"), tmp.resolve("old-root.pem"));

    PkiCli.Run r = ok(pki.run("ca", "rollover"));
    assertThat(r.out()).contains("G2").contains("cross.crt");
    ok(pki.run("renew", "broker"));
    ok(pki.run("device", "new-dev"));
    Files.writeString(
        tmp.resolve("new-root.pem"),
        openssl("x509", "-in", "ca.crt").text().replaceAll("(?s).*?(-----BEGIN)", "$1"));
    // certs/broker.crt: leaf, then the cross certificate.
    Out split = openssl("crl2pkcs7", "-nocrl", "-certfile", "certs/broker.crt");
    assertThat(split.exit()).isZero();
    Files.writeString(tmp.resolve("cross.pem"), Files.readString(dir.resolve("cross.crt")));

    String old = tmp.resolve("old-root.pem").toString();
    String neu = tmp.resolve("new-root.pem").toString();
    String cross = tmp.resolve("cross.pem").toString();
    verifies("-CAfile", old, "-untrusted", cross, "-purpose", "sslserver", "certs/broker.crt");
    verifies("-CAfile", neu, "-purpose", "sslserver", "certs/broker.crt");
    // The bundle trusts devices of both generations; the CRL covers both.
    verifies("-CAfile", "ca.crt", "-crl_check", "-CRLfile", "crl.pem", "certs/old-dev.crt");
    verifies("-CAfile", "ca.crt", "-crl_check", "-CRLfile", "crl.pem", "certs/new-dev.crt");

    assertThat(ok(pki.run("show", "old-dev")).out()).contains("yes, ").contains("previous CA");
    PkiCli.Run early = pki.run("ca", "retire-old");
    assertThat(early.exit()).isEqualTo(1);
    assertThat(early.err()).contains("old-dev").contains("renew");
    ok(pki.run("renew", "old-dev"));
    PkiCli.Run retired = ok(pki.run("ca", "retire-old"));
    assertThat(retired.out()).contains("Retired the old CA");
    assertThat(Files.readString(dir.resolve("ca.crt"))).containsOnlyOnce("BEGIN CERTIFICATE");
    verifies("-CAfile", "ca.crt", "certs/old-dev.crt");
    Out stale =
        verify(
            "-CAfile",
            "ca.crt",
            Files.list(dir.resolve("certs/history"))
                .filter(p -> p.getFileName().toString().startsWith("old-dev."))
                .findFirst()
                .orElseThrow()
                .toString());
    assertThat(stale.exit()).isNotZero();
  }
}
