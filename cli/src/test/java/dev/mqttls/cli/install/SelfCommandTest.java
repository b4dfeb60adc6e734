package dev.mqttls.cli.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How printed examples spell the {@code mqttls} command so that they work when pasted. */
class SelfCommandTest {
  @TempDir Path tmp;

  private Path script(Path path) throws Exception {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }

  @Test
  void cloneLauncher_notOnPath_printedAsStarted() throws Exception {
    Path clone = tmp.resolve("clone");
    script(clone.resolve("mqttls"));
    Map<String, String> env = Map.of("MQTTLS_LAUNCHER", "./mqttls", "PATH", "/usr/bin:/bin");
    assertThat(SelfCommand.spell(env, clone, Optional.empty())).isEqualTo("./mqttls");
    Map<String, String> fromBelow = Map.of("MQTTLS_LAUNCHER", "../mqttls", "PATH", "/usr/bin");
    assertThat(SelfCommand.spell(fromBelow, clone.resolve("sub"), Optional.empty()))
        .isEqualTo("../mqttls");
  }

  @Test
  void launcherLinkedFromPath_printedAsMqttls() throws Exception {
    Path real = script(tmp.resolve("opt/mqttls-1.0/bin/mqttls"));
    Path bin = Files.createDirectories(tmp.resolve("usr/local/bin"));
    Files.createSymbolicLink(bin.resolve("mqttls"), real);
    Map<String, String> env =
        Map.of("MQTTLS_LAUNCHER", bin.resolve("mqttls").toString(), "PATH", "/nope:" + bin);
    assertThat(SelfCommand.spell(env, tmp, Optional.empty())).isEqualTo("mqttls");
    // Started by its real path while the link is on PATH: the same file, so "mqttls" works.
    Map<String, String> byPath = Map.of("MQTTLS_LAUNCHER", real.toString(), "PATH", bin.toString());
    assertThat(SelfCommand.spell(byPath, tmp, Optional.empty())).isEqualTo("mqttls");
  }

  @Test
  void anotherMqttlsFirstOnPath_printedByPath() throws Exception {
    Path ours = script(tmp.resolve("dist dir/bin/mqttls"));
    Path other = script(tmp.resolve("other/mqttls"));
    Map<String, String> env =
        Map.of(
            "MQTTLS_LAUNCHER", ours.toString(), "PATH", other.getParent() + ":" + ours.getParent());
    assertThat(SelfCommand.spell(env, tmp, Optional.empty()))
        .isEqualTo("'" + ours + "'")
        .isNotEqualTo("mqttls");
  }

  @Test
  void noLauncher_jarPrintedAsJavaDashJar_orMqttlsWithoutJar() {
    Path cwd = tmp;
    assertThat(
            SelfCommand.spell(
                Map.of("PATH", "/usr/bin"), cwd, Optional.of(cwd.resolve("cli/target/mqttls.jar"))))
        .isEqualTo("java -jar cli/target/mqttls.jar");
    assertThat(SelfCommand.spell(Map.of(), cwd, Optional.of(Path.of("/opt/m/lib/mqttls.jar"))))
        .isEqualTo("java -jar /opt/m/lib/mqttls.jar");
    assertThat(SelfCommand.spell(Map.of(), cwd, Optional.empty())).isEqualTo("mqttls");
  }
}
