package dev.mqttls.cli.install;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the user types the {@code mqttls} command from their current directory, so that printed
 * commands work when pasted: {@code mqttls} when the command on PATH is this one, otherwise the
 * path they started it by ({@code ./mqttls}, {@code bin/mqttls}), or {@code java -jar JAR}.
 *
 * <p>Our launcher scripts ({@code ./mqttls} of a clone, {@code bin/mqttls} of the distribution)
 * export {@value #LAUNCHER_ENV} as their {@code $0}; a JVM cannot otherwise know the script that
 * started it.
 */
public final class SelfCommand {
  /** The environment variable in which launcher scripts pass their {@code $0}. */
  public static final String LAUNCHER_ENV = "MQTTLS_LAUNCHER";

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  private SelfCommand() {}

  /** The spelling for this process: its environment, working directory and jar. */
  public static String detect() {
    return spell(System.getenv(), Path.of("").toAbsolutePath(), runningJar());
  }

  /**
   * The spelling given a launcher's {@code $0} (in {@code env}), the working directory and the jar
   * this code runs from (empty when it runs from a classes directory, as in tests).
   */
  static String spell(Map<String, String> env, Path cwd, Optional<Path> jar) {
    String launcher = env.get(LAUNCHER_ENV);
    if (launcher == null || launcher.isEmpty()) {
      return jar.map(j -> "java -jar " + quote(relativeIfBelow(cwd, j))).orElse("mqttls");
    }
    Path script = cwd.resolve(launcher);
    if (onPath(env.getOrDefault("PATH", ""), cwd, script)) {
      return "mqttls";
    }
    if (!launcher.contains("/")) {
      // bash was given the script by name ("bash mqttls"): from here it is ./mqttls.
      return "./" + quote(Path.of(launcher));
    }
    return quote(Path.of(launcher));
  }

  /** Whether typing {@code mqttls} here runs {@code script} (the same file, after links). */
  static boolean onPath(String path, Path cwd, Path script) {
    Path target = real(script);
    for (String dir : path.split(File.pathSeparator, -1)) {
      // An empty PATH entry means the working directory.
      Path candidate = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve("mqttls");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        // The first match is what the shell runs; a different mqttls earlier on PATH wins.
        return target != null && target.equals(real(candidate));
      }
    }
    return false;
  }

  /** The jar this class was loaded from, if it was loaded from a jar. */
  public static Optional<Path> runningJar() {
    try {
      var source = SelfCommand.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Path p = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A path as one shell word: unchanged when safe, single-quoted otherwise. */
  public static String quote(Path path) {
    String s = path.toString();
    return SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  private static Path relativeIfBelow(Path cwd, Path p) {
    Path abs = p.toAbsolutePath().normalize();
    return abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }
}
