package dev.mqttls.cli.install;

import dev.mqttls.cli.VersionProvider;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mqttls install}: copies the running jar to {@code PREFIX/lib/mqttls/}, writes the {@code
 * PREFIX/bin/mqttls} launcher, the man pages and bash completion, and says whether {@code
 * PREFIX/bin} is on PATH.
 */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = {
      "Install mqttls under a prefix: the mqttls command, its man pages and bash completion.",
      "Copies the jar it runs from to PREFIX/lib/mqttls/mqttls.jar and writes PREFIX/bin/mqttls,"
          + " PREFIX/share/man/man1/mqttls*.1 and"
          + " PREFIX/share/bash-completion/completions/mqttls. Running it again replaces them."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:installed", "1:could not write under the prefix", "2:bad command line"})
public final class InstallCommand implements Callable<Integer> {
  @Option(
      names = "--prefix",
      paramLabel = "DIR",
      description = "Where to install (default: /usr/local as root, ~/.local otherwise).")
  Path prefix;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    Optional<Path> jar = SelfCommand.runningJar();
    if (jar.isEmpty()) {
      err.println(
          "Error: mqttls install copies the jar it runs from, and this one runs from classes:"
              + " use ./mqttls install (it builds the jar first).");
      return 1;
    }
    Path target = prefix != null ? prefix : defaultPrefix();
    try {
      List<Path> files = install(jar.get(), target.toAbsolutePath().normalize());
      out.println(
          "mqttls "
              + VersionProvider.version()
              + ": installed "
              + files.size()
              + " files under "
              + target.toAbsolutePath().normalize());
      out.println("  " + target.resolve("bin/mqttls") + "   the command");
      out.println("  " + target.resolve(ShellFiles.MAN_DIR) + "/mqttls*.1   man mqttls");
      out.println(
          "  " + target.resolve(ShellFiles.BASH_COMPLETION).resolve("mqttls") + "   completion");
      Path bin = target.toAbsolutePath().normalize().resolve("bin");
      if (SelfCommand.onPath(
          Optional.ofNullable(System.getenv("PATH")).orElse(""),
          Path.of("").toAbsolutePath(),
          bin.resolve("mqttls"))) {
        out.println("mqttls is on your PATH: try 'mqttls --version' and 'man mqttls'.");
      } else {
        out.println(
            bin
                + " is not on your PATH (or another mqttls comes first). Add it, e.g. in ~/.profile:");
        out.println("  export PATH=\"" + bin + ":$PATH\"");
      }
      out.println(
          "Completion loads in new bash shells when bash-completion is installed;"
              + " in zsh: autoload -U +X bashcompinit && bashcompinit && source "
              + target.resolve(ShellFiles.BASH_COMPLETION).resolve("mqttls"));
      return 0;
    } catch (AccessDeniedException e) {
      err.println(
          "Error: cannot write "
              + e.getFile()
              + ": permission denied. Use --prefix ~/.local, or run as root (sudo) for "
              + target
              + ".");
      return 1;
    } catch (IOException e) {
      err.println("Error: cannot install under " + target + ": " + e.getMessage());
      return 1;
    }
  }

  /** Installs {@code jar} under {@code prefix}; returns the files written. */
  static List<Path> install(Path jar, Path prefix) throws IOException {
    Path lib = Files.createDirectories(prefix.resolve("lib").resolve("mqttls"));
    Path installedJar = lib.resolve("mqttls.jar");
    if (!Files.exists(installedJar) || !Files.isSameFile(jar, installedJar)) {
      // Copied beside, then renamed: a broker running from the old jar keeps its open file.
      Path tmp = Files.createTempFile(lib, ".mqttls", ".jar");
      Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, installedJar, StandardCopyOption.ATOMIC_MOVE);
    }
    Path bin = Files.createDirectories(prefix.resolve("bin"));
    Path launcher = bin.resolve("mqttls");
    // Written beside and renamed over: a link at PREFIX/bin/mqttls (to a distribution's
    // bin/mqttls, say) is replaced, never written through.
    Path tmpLauncher = Files.createTempFile(bin, ".mqttls", ".tmp");
    Files.writeString(tmpLauncher, launcher(installedJar), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(tmpLauncher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.move(tmpLauncher, launcher, StandardCopyOption.ATOMIC_MOVE);
    List<Path> files = new java.util.ArrayList<>(List.of(installedJar, launcher));
    files.addAll(ShellFiles.write(prefix));
    return files;
  }

  /** The installed command: runs the jar with JAVA_HOME's java when set, else the one on PATH. */
  static String launcher(Path jar) {
    return "#!/bin/sh\n"
        + "# Written by 'mqttls install' ("
        + VersionProvider.version()
        + "). MQTTLS_JAVA_OPTS adds JVM options.\n"
        + "if [ -n \"${JAVA_HOME:-}\" ]; then java=\"$JAVA_HOME/bin/java\"; else java=java; fi\n"
        + "if ! command -v \"$java\" >/dev/null 2>&1; then\n"
        + "  echo \"mqttls: needs Java 17 or newer ($java not found):"
        + " sudo apt-get install openjdk-17-jre-headless\" >&2\n"
        + "  exit 127\n"
        + "fi\n"
        + "MQTTLS_LAUNCHER=\"$0\"\n"
        + "export MQTTLS_LAUNCHER\n"
        + "exec \"$java\" ${MQTTLS_JAVA_OPTS:-} -jar "
        + SelfCommand.quote(jar)
        + " \"$@\"\n";
  }

  private static Path defaultPrefix() {
    return "root".equals(System.getProperty("user.name"))
        ? Path.of("/usr/local")
        : Path.of(System.getProperty("user.home"), ".local");
  }
}
