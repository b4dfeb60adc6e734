package dev.mqttls.broker.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.internal.security.PasswordFile.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PasswordFileTest {
  private static final Path FILE = Path.of("/etc/mqttls/passwd");
  private static final Path MOSQUITTO_PASSWD = Path.of("/usr/bin/mosquitto_passwd");

  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void sevenLine_writtenByDebiansMosquittoPasswd_checks() throws Exception {
    assumeTrue(Files.isExecutable(MOSQUITTO_PASSWD), "Debian's mosquitto_passwd is not installed");
    Path pw = dir.resolve("passwd");
    Process p =
        new ProcessBuilder(
                MOSQUITTO_PASSWD.toString(), "-c", "-b", pw.toString(), "alice", "s3cret pass")
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
    assertThat(Files.readString(pw)).startsWith("alice:$7$");

    PasswordFile f = PasswordFile.read(pw);

    assertThat(f.size()).isEqualTo(1);
    assertThat(f.check("alice", b("s3cret pass"))).isEqualTo(Result.ACCEPTED);
    assertThat(f.check("alice", b("s3cret pasS"))).isEqualTo(Result.WRONG_PASSWORD);
    assertThat(f.check("alice", null)).isEqualTo(Result.WRONG_PASSWORD);
    assertThat(f.check("bob", b("s3cret pass"))).isEqualTo(Result.UNKNOWN_USER);
  }

  @Test
  void sixLine_saltedSha512_checks_andCommentsAndBlankLinesAreIgnored() throws Exception {
    String text = "# users\n\n" + sixLine("bob", "hunter2") + "\n   \n#carol:x\n";

    PasswordFile f = PasswordFile.parse(text, FILE);

    assertThat(f.size()).isEqualTo(1);
    assertThat(f.check("bob", b("hunter2"))).isEqualTo(Result.ACCEPTED);
    assertThat(f.check("bob", b("hunter3"))).isEqualTo(Result.WRONG_PASSWORD);
    assertThat(f.check("bob", b(""))).isEqualTo(Result.WRONG_PASSWORD);
    assertThat(f.check("carol", b("x"))).isEqualTo(Result.UNKNOWN_USER);
  }

  @Test
  void emptyPassword_isCheckedLikeAnyOther() throws Exception {
    PasswordFile f = PasswordFile.parse(sixLine("e", ""), FILE);
    assertThat(f.check("e", b(""))).isEqualTo(Result.ACCEPTED);
    assertThat(f.check("e", null)).isEqualTo(Result.WRONG_PASSWORD);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "alice|not 'user:hash'",
        ":$6$c2FsdA==$aGFzaA==|empty user name",
        "alice:plaintext|plain-text passwords are not accepted",
        "alice:$5$abc$def|unknown hash type $5$",
        "alice:$6$c2FsdA==|a $6$ hash is $6$SALT$HASH",
        "alice:$7$x$c2FsdA==$aGFzaA==|iterations 'x' is not a number",
        "alice:$7$0$c2FsdA==$aGFzaA==|iterations 0 out of range",
        "alice:$6$!!!$aGFzaA==|salt is not valid base64",
        "alice:$6$c2FsdA==$aGFzaA==|hash is 4 bytes, not 64",
      })
  void badLine_namesFileAndLine(String line, String message) {
    String text = "# header\n" + line + "\n";
    assertThatThrownBy(() -> PasswordFile.parse(text, FILE))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(FILE + ":2: ")
        .hasMessageContaining(message);
  }

  @Test
  void duplicateUser_isAnError_andTheHashIsNeverInTheMessage() throws Exception {
    String a = sixLine("dup", "one");
    String text = a + "\n" + sixLine("dup", "two") + "\n";
    assertThatThrownBy(() -> PasswordFile.parse(text, FILE))
        .hasMessage(FILE + ":2: user 'dup' appears twice");
  }

  static String sixLine(String user, String password) throws Exception {
    byte[] salt = b("0123456789ab");
    MessageDigest d = MessageDigest.getInstance("SHA-512");
    d.update(b(password));
    d.update(salt);
    Base64.Encoder e = Base64.getEncoder();
    return user + ":$6$" + e.encodeToString(salt) + "$" + e.encodeToString(d.digest());
  }

  @Test
  void missingFile_isAConfigErrorNamingIt() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> PasswordFile.read(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(missing + ": cannot read password_file");
  }
}
