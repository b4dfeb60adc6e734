package dev.mqttls.conf;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A configuration line, or file, that cannot be used. The message always reads {@code FILE:LINE:
 * directive: what is wrong} (or {@code FILE: what is wrong} when the whole file is at fault), so
 * that an operator can fix it without reading code. Like mosquitto's "Error found at FILE:LINE".
 */
public final class ConfException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final String directive;
  private final String problem;

  private ConfException(Path file, int line, String directive, String problem, Throwable cause) {
    super(message(file, line, directive, problem), cause);
    this.file = file;
    this.line = line;
    this.directive = directive;
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /** What is wrong with {@code d}: {@code FILE:LINE: name: problem}. */
  public static ConfException at(Directive d, String problem) {
    return new ConfException(d.file().orElse(null), d.line(), d.name(), problem, null);
  }

  /** A whole file that cannot be used: {@code FILE: problem}. */
  public static ConfException inFile(Path file, String problem, Throwable cause) {
    return new ConfException(file, 0, null, problem, cause);
  }

  private static String message(Path file, int line, String directive, String problem) {
    StringBuilder b = new StringBuilder();
    if (file != null) {
      b.append(file);
      if (line > 0) {
        b.append(':').append(line);
      }
      b.append(": ");
    }
    if (directive != null) {
      b.append(directive).append(": ");
    }
    return b.append(problem).toString();
  }

  /** The file at fault; empty for a directive made in code ({@link Directive#of}). */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The 1-based line, or 0 when the whole file is at fault. */
  public int line() {
    return line;
  }

  /** The directive's name; empty when the whole file is at fault. */
  public Optional<String> directive() {
    return Optional.ofNullable(directive);
  }

  /** What is wrong, without the place: the message's last part. */
  public String problem() {
    return problem;
  }
}
