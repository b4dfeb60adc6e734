package dev.mqttls.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the user named that is missing, a directory, or unreadable: one sentence with the flag,
 * the path, the cause in words and what to do; never a Java exception name.
 */
class UserFileErrorsTest {
  @TempDir Path tmp;

  private static void assertOneSentence(CliRun.Result r, String expected) {
    assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).isEqualTo(expected + "\n");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("java.");
  }

  @Test
  void missingFiles_ofEveryFlag_areNamedWithTheFlag() throws IOException {
    Path cert = Files.writeString(tmp.resolve("dev.crt"), "x");
    String none = tmp.resolve("none").toString();
    assertOneSentence(
        CliRun.run("pub", "-t", "t", "-m", "x", "--cafile", none),
        "mqttls pub: --cafile " + none + ": no such file; check the path and spelling");
    assertOneSentence(
        CliRun.run("pub", "-t", "t", "-m", "x", "--capath", none),
        "mqttls pub: --capath " + none + ": no such directory; check the path and spelling");
    assertOneSentence(
        CliRun.run("sub", "-t", "t", "--cert", cert.toString(), "--key", none),
        "mqttls sub: --key " + none + ": no such file; check the path and spelling");
    assertOneSentence(
        CliRun.run("pub", "-t", "t", "-f", none),
        "mqttls pub: -f " + none + ": no such file; check the path and spelling");
    assertOneSentence(
        CliRun.run("pub", "-t", "t", "-m", "x", "-u", "u", "--pw-file", none),
        "mqttls pub: --pw-file " + none + ": no such file; check the path and spelling");
    assertOneSentence(
        CliRun.run("pub", "-o", none),
        "mqttls pub: -o "
            + none
            + ": no such file; check the path and spelling (see 'mqttls pub --help')");
  }

  @Test
  void aDirectoryWhereAFileBelongs_saysSo() {
    assertOneSentence(
        CliRun.run("pub", "-t", "t", "-m", "x", "--cafile", tmp.toString()),
        "mqttls pub: --cafile " + tmp + ": is a directory; give the path of a file");
  }

  @Test
  void readFailures_areDescribedInWords() {
    Path p = Path.of("/etc/mqttls/ca.crt");
    // root reads every file, so the denied case is checked on the mapping itself
    assertThat(InputFiles.describe("--cafile", p, new AccessDeniedException(p.toString())))
        .startsWith("--cafile /etc/mqttls/ca.crt: permission denied; make it readable by ")
        .endsWith(" (chmod/chown) or run as a user who can read it");
    assertThat(InputFiles.describe("-f", p, new NoSuchFileException(p.toString())))
        .isEqualTo("-f /etc/mqttls/ca.crt: no such file; check the path and spelling");
    assertThat(InputFiles.describe("-f", p, new IOException(p + ": Input/output error")))
        .isEqualTo(
            "-f /etc/mqttls/ca.crt: cannot be read (Input/output error); check that it is a readable file");
    for (String s :
        List.of(
            InputFiles.describe("-f", p, new AccessDeniedException(p.toString())),
            InputFiles.describe("-f", p, new IOException("boom")))) {
      assertThat(s).doesNotContain("Exception");
    }
  }

  @Test
  void aFileThatIsNotACertificate_saysWhatTheFlagWants() throws IOException {
    Path text = Files.writeString(tmp.resolve("hostname"), "myhost\n");
    Path key = Files.writeString(tmp.resolve("dev.key"), "x");
    assertOneSentence(
        CliRun.run("pub", "-t", "t", "-m", "x", "--cert", text.toString(), "--key", key.toString()),
        "mqttls pub: --cert "
            + text
            + ": not a certificate file (no PEM or DER certificate in it);"
            + " give the device's certificate in PEM");
    assertOneSentence(
        CliRun.run("sub", "-t", "t", "--cafile", text.toString()),
        "mqttls sub: --cafile "
            + text
            + ": not a certificate file (no PEM or DER certificate in it);"
            + " give the CA certificate(s) the broker's certificate chains to, in PEM");
  }
}
