package dev.mqttls.cli.psk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PskCommandTest {
  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void create_appendsWithMode0600_listShowsIdentitiesNotKeys() throws Exception {
    Path f = dir.resolve("psk_file");
    Result a = run("psk", "-f", f.toString(), "create", "dev-1");
    Result b = run("psk", "-f", f.toString(), "create", "dev-2", "--bytes", "32");
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(b.exit()).as(b.err()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    List<String> lines = Files.readAllLines(f);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("dev-1:[0-9a-f]{32}");
    assertThat(lines.get(1)).matches("dev-2:[0-9a-f]{64}");
    assertThat(a.out()).doesNotContain(lines.get(0).substring(6));
    Result list = run("psk", "-f", f.toString(), "list");
    assertThat(list.out()).isEqualTo("dev-1\ndev-2\n");
    Result again = run("psk", "-f", f.toString(), "create", "dev-1");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("identity 'dev-1' is already in the file");
  }

  @Test
  void export_nrfAt_writesPskType3AndIdentityType4() throws Exception {
    Path f = dir.resolve("psk_file");
    Files.writeString(f, "nrf-7:000102030405060708090a0b0c0d0e0f\n");
    Result r =
        run("psk", "-f", f.toString(), "export", "nrf-7", "--format", "nrf-at", "--sec-tag", "7");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "AT%CMNG=0,7,3,\"000102030405060708090a0b0c0d0e0f\"\n" + "AT%CMNG=0,7,4,\"nrf-7\"\n");
  }

  @Test
  void export_unknownIdentity_andBadFileLine_oneLineEach() throws Exception {
    Path f = dir.resolve("psk_file");
    Files.writeString(f, "a:00ff\nbroken-line-secret\n");
    Result r = run("psk", "-f", f.toString(), "export", "a", "--format", "c-header");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo("mqttls psk export: " + f + ":2: expected identity:hexkey, found no ':'");
    Files.writeString(f, "a:00ff\n");
    Result u = run("psk", "-f", f.toString(), "export", "b", "--format", "c-header");
    assertThat(u.exit()).isEqualTo(1);
    assertThat(u.err()).contains("no identity 'b'");
  }

  /** The header compiles against Debian's mbedTLS and hands mbedtls_ssl_conf_psk the key. */
  @Test
  void export_cHeader_compilesWithMbedtlsConfPsk() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(Path.of("/usr/include/mbedtls/ssl.h")), "libmbedtls-dev missing");
    Path f = dir.resolve("psk_file");
    Files.writeString(f, "dev-\"9\\:a1b2c3\n");
    Result r = run("psk", "-f", f.toString(), "export", "dev-\"9\\", "--format", "c-header");
    assertThat(r.exit()).as(r.err()).isZero();
    Files.writeString(dir.resolve("mqttls_psk.h"), r.out());
    Files.writeString(
        dir.resolve("main.c"),
        "#include <stdio.h>\n#include <string.h>\n#include \"mbedtls/ssl.h\"\n"
            + "#include \"mqttls_psk.h\"\n"
            + "int main(void) {\n"
            + "  mbedtls_ssl_config conf; mbedtls_ssl_config_init(&conf);\n"
            + "  int ret = mbedtls_ssl_conf_psk(&conf, mqttls_psk, mqttls_psk_len,\n"
            + "      (const unsigned char *) mqttls_psk_identity, mqttls_psk_identity_len);\n"
            + "  printf(\"%d %s %zu %02x%02x%02x\\n\", ret, mqttls_psk_identity,"
            + " mqttls_psk_len, mqttls_psk[0], mqttls_psk[1], mqttls_psk[2]);\n"
            + "  return ret;\n}\n");
    Path exe = dir.resolve("main");
    exec(
        List.of(
            "cc",
            "-Wall",
            "-Werror",
            "-I",
            dir.toString(),
            "-o",
            exe.toString(),
            dir.resolve("main.c").toString(),
            "-lmbedtls",
            "-lmbedx509",
            "-lmbedcrypto"));
    assertThat(exec(List.of(exe.toString()))).isEqualTo("0 dev-\"9\\ 3 a1b2c3\n");
  }

  private static String exec(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(cmd.get(0) + " did not finish");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isZero();
      return out;
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }
}
