package dev.mqttls.conf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One configuration line, {@code name value}, kept with its place so that any later error can still
 * name it, and the parsers for its value. Each parser throws a {@link ConfException} reading {@code
 * FILE:LINE: name: what is wrong}.
 *
 * <p>The value is the rest of the line after the name, with surrounding blanks removed: mosquitto
 * has no quoting, so a path may contain spaces ({@code certfile /etc/my certs/server.crt}) and a
 * {@code #} after a value is part of the value. Directives that take several values split it at
 * blanks ({@link #words()}).
 */
public final class Directive {
  private static final Pattern BLANKS = Pattern.compile("[ \t]+");

  private final String name;
  private final String value;
  private final Path file;
  private final int line;

  private Directive(String name, String value, Path file, int line) {
    this.name = Objects.requireNonNull(name, "name");
    this.value = Objects.requireNonNull(value, "value").strip();
    this.file = file;
    this.line = line;
  }

  /** A directive read from line {@code line} of {@code file}. */
  public static Directive at(Path file, int line, String name, String value) {
    Objects.requireNonNull(file, "file");
    if (line < 1) {
      throw new IllegalArgumentException("line numbers start at 1, got " + line);
    }
    return new Directive(name, value, file, line);
  }

  /**
   * A directive made in code rather than read from a file (e.g. a builder's {@code directive(name,
   * args)}): its errors name only the directive, and relative paths resolve against the caller's
   * base directory.
   */
  public static Directive of(String name, List<String> words) {
    return new Directive(name, String.join(" ", words), null, 0);
  }

  /**
   * The same directive, in the same place, with another value: for a value made of parts, such as
   * the path after {@code log_dest file}.
   */
  public Directive withValue(String newValue) {
    return new Directive(name, newValue, file, line);
  }

  /** The directive's name, as written (mosquitto's names are case-sensitive). */
  public String name() {
    return name;
  }

  /** The rest of the line after the name, without surrounding blanks; may be empty. */
  public String value() {
    return value;
  }

  /** The value split at blanks; empty when there is no value. */
  public List<String> words() {
    return value.isEmpty() ? List.of() : List.of(BLANKS.split(value));
  }

  /** The file it was read from; empty for {@link #of}. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The 1-based line number; 0 for {@link #of}. */
  public int line() {
    return line;
  }

  /** {@code FILE:LINE: name}, the prefix of every error about this directive. */
  public String where() {
    return file == null ? name : file + ":" + line + ": " + name;
  }

  /** An error about this directive: {@code FILE:LINE: name: problem}. */
  public ConfException error(String problem) {
    return ConfException.at(this, problem);
  }

  // ---- value parsers -------------------------------------------------------------------------

  /** The whole value, which must not be empty (mosquitto's string values). */
  public String string() throws ConfException {
    if (value.isEmpty()) {
      throw error("needs a value");
    }
    return value;
  }

  /** The value, which must be one word. */
  public String word() throws ConfException {
    return words(1, 1).get(0);
  }

  /** The words of the value, between {@code min} and {@code max} of them. */
  public List<String> words(int min, int max) throws ConfException {
    List<String> w = words();
    if (w.size() < min) {
      throw error(
          min == 1 && max == 1
              ? "needs a value"
              : "needs " + (min == max ? min : min + " to " + max) + " values, got " + w.size());
    }
    if (w.size() > max) {
      throw error(
          "takes "
              + (max == 1 ? "one value" : "at most " + max + " values")
              + ", got "
              + w.size()
              + ": "
              + value);
    }
    return w;
  }

  /** {@code true} or {@code false}; mosquitto also reads {@code 1} and {@code 0}. */
  public boolean bool() throws ConfException {
    String v = word();
    switch (v) {
      case "true":
      case "1":
        return true;
      case "false":
      case "0":
        return false;
      default:
        throw error("must be true or false, got '" + v + "'");
    }
  }

  /** A whole number from {@code min} to {@code max}, written in decimal. */
  public long integer(long min, long max) throws ConfException {
    return integer(word(), min, max);
  }

  /**
   * As {@link #integer(long, long)} for one word of a multi-word value (e.g. a port). Decimal only:
   * mosquitto reads numbers with {@code strtol(s, 0)}, so {@code 010} is 8 there; a leading zero is
   * refused rather than read differently, and {@code 0x} hexadecimal is refused too.
   */
  public long integer(String word, long min, long max) throws ConfException {
    if (word.matches("[-+]?0[0-9]+")) {
      throw error(
          "'" + word + "' has a leading zero, which mosquitto reads as octal; write it without");
    }
    long v;
    try {
      v = Long.parseLong(word);
    } catch (NumberFormatException e) {
      throw error("'" + word + "' is not a whole number");
    }
    if (v < min || v > max) {
      throw error(word + " is out of range " + min + ".." + max);
    }
    return v;
  }

  /**
   * A size in bytes from {@code min} to {@code max}. Mosquitto's sizes ({@code message_size_limit},
   * {@code max_packet_size}, {@code memory_limit}) are plain byte counts, without unit suffixes.
   */
  public long bytes(long min, long max) throws ConfException {
    return integer(min, max);
  }

  /**
   * A period as {@code persistent_client_expiration} takes it: a positive number followed by {@code
   * h} (hours), {@code d} (days), {@code w} (weeks), {@code m} (months of 30 days) or {@code y}
   * (years of 365 days).
   */
  public Duration period() throws ConfException {
    String s = word();
    if (s.length() < 2) {
      throw error("'" + s + "' is not a duration; write e.g. 12h, 2d, 1w, 6m or 1y");
    }
    char unit = s.charAt(s.length() - 1);
    long n;
    try {
      n = Long.parseLong(s.substring(0, s.length() - 1));
    } catch (NumberFormatException e) {
      throw error("'" + s + "' is not a duration; write e.g. 12h, 2d, 1w, 6m or 1y");
    }
    if (n <= 0 || n > 100_000) {
      throw error("'" + s + "' must be a positive number of units");
    }
    switch (unit) {
      case 'h':
        return Duration.ofHours(n);
      case 'd':
        return Duration.ofDays(n);
      case 'w':
        return Duration.ofDays(7 * n);
      case 'm':
        return Duration.ofDays(30 * n);
      case 'y':
        return Duration.ofDays(365 * n);
      default:
        throw error("'" + s + "' has unknown unit '" + unit + "'; use h, d, w, m (months) or y");
    }
  }

  /**
   * A timeout in seconds ({@code 10}, {@code 10s}) or milliseconds ({@code 500ms}) from {@code min}
   * to {@code max}: mqttls's own directives, which mosquitto lacks.
   */
  public Duration timeout(Duration min, Duration max) throws ConfException {
    String v = word();
    String s = v.toLowerCase(java.util.Locale.ROOT);
    Duration d;
    try {
      if (s.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      } else if (s.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      } else {
        d = Duration.ofSeconds(Long.parseLong(s));
      }
    } catch (NumberFormatException | ArithmeticException e) {
      throw error("expected seconds (10, 10s) or milliseconds (500ms), got '" + v + "'");
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw error("expected a timeout from " + text(min) + " to " + text(max) + ", got " + v);
    }
    return d;
  }

  private static String text(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + " ms";
    }
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  /**
   * A path: the whole value (it may contain spaces, as in mosquitto). A relative path resolves
   * against the directory of the file the directive is written in, so that a configuration works
   * from any working directory (mosquitto resolves it against its working directory, which is
   * {@code /} for a daemon); for a directive made in code, against {@code base}.
   */
  public Path path(Path base) throws ConfException {
    String s = string();
    Path p;
    try {
      p = Path.of(s);
    } catch (java.nio.file.InvalidPathException e) {
      throw error("'" + s + "' is not a valid path: " + e.getReason());
    }
    if (p.isAbsolute()) {
      return p.normalize();
    }
    Path dir = file != null ? directoryOf(file) : base == null ? Path.of("") : base;
    return dir.resolve(p).normalize();
  }

  /** The directory relative paths in {@code file} resolve against. */
  public static Path directoryOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of("").toAbsolutePath() : parent;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Directive d
        && d.name.equals(name)
        && d.value.equals(value)
        && Objects.equals(d.file, file)
        && d.line == line;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, value, file, line);
  }

  /** {@code FILE:LINE: name}; never the value, which may be a password. */
  @Override
  public String toString() {
    return where();
  }
}
