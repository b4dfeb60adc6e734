package dev.mqttls.cli.install;

import dev.mqttls.cli.Main;
import dev.mqttls.cli.VersionProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;

/**
 * The files around the jar that make {@code mqttls} feel installed: man pages and bash completion
 * (which zsh loads through bashcompinit), laid out as under a prefix such as {@code /usr/local}.
 * The build runs {@link #main} to put them into the distribution; {@code mqttls install} writes the
 * same files.
 */
public final class ShellFiles {
  /** Where man pages go under a prefix. */
  public static final Path MAN_DIR = Path.of("share", "man", "man1");

  /** Where bash-completion looks for the completion of command {@code mqttls} under a prefix. */
  public static final Path BASH_COMPLETION = Path.of("share", "bash-completion", "completions");

  private ShellFiles() {}

  /** Writes man pages and completion under {@code args[0]}; used by the build. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ShellFiles OUTPUT_DIRECTORY");
    }
    write(Path.of(args[0]));
  }

  /** Writes the man pages and the completion script below {@code prefix}; returns the files. */
  public static List<Path> write(Path prefix) throws IOException {
    List<Path> written = new ArrayList<>();
    Path man = Files.createDirectories(prefix.resolve(MAN_DIR));
    for (Map.Entry<String, String> page :
        ManPages.render(Main.commandLine(), VersionProvider.version()).entrySet()) {
      written.add(
          Files.writeString(
              man.resolve(page.getKey() + ".1"), page.getValue(), StandardCharsets.UTF_8));
    }
    Path completion = Files.createDirectories(prefix.resolve(BASH_COMPLETION));
    written.add(
        Files.writeString(
            completion.resolve("mqttls"),
            AutoComplete.bash("mqttls", Main.commandLine()),
            StandardCharsets.UTF_8));
    return written;
  }
}
