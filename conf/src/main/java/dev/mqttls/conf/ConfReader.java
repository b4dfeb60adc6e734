package dev.mqttls.conf;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads {@code mosquitto.conf} syntax into {@link Directive}s, as mosquitto 2 reads it
 * (mosquitto.conf(5), {@code src/conf.c}):
 *
 * <ul>
 *   <li>one directive per line: a name, then the rest of the line as its value; no quoting, no
 *       escapes, no line continuation;
 *   <li>a line whose first character is {@code #} is a comment (we also allow blanks before it,
 *       where mosquitto would report an unknown directive); blank lines are skipped; a {@code \r\n}
 *       line end is accepted;
 *   <li>{@code include_dir DIR} reads the directory's {@code *.conf} files where it stands, in
 *       mosquitto's order (alphabetical ignoring case, upper case first on a tie), and only from
 *       the main file.
 * </ul>
 *
 * The {@code include_dir} directive itself is kept in the result, before the directives it brought
 * in, so that consumers see every line they might report on.
 */
public final class ConfReader {
  /**
   * mosquitto's include_dir order: case-insensitive first, then upper case before lower case of the
   * same letter ({@code src/conf_includedir.c}, {@code scmp_p}).
   */
  public static final Comparator<String> INCLUDE_ORDER =
      (a, b) -> {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
          char x = a.charAt(i);
          char y = b.charAt(i);
          int r = Character.toUpperCase(x) - Character.toUpperCase(y);
          if (r != 0) {
            return r;
          }
          if (x != y) {
            return x - y;
          }
        }
        return a.length() - b.length();
      };

  private final boolean lenient;
  private final List<Directive> out = new ArrayList<>();
  private final List<ConfException> skipped = new ArrayList<>();

  private ConfReader(boolean lenient) {
    this.lenient = lenient;
  }

  /**
   * Reads {@code file} and the directories it includes.
   *
   * @throws ConfException naming the file, or the line, that cannot be read
   */
  public static ConfFile read(Path file) throws ConfException {
    ConfReader r = new ConfReader(false);
    r.readFile(file, 0);
    return new ConfFile(file, r.out, List.of());
  }

  /**
   * As {@link #read(Path)}, but an {@code include_dir} that cannot be followed is recorded in
   * {@link ConfFile#skipped()} instead of stopping the read: for a linter, which reports what it
   * could not check and checks the rest.
   *
   * @throws ConfException when {@code file} itself cannot be read
   */
  public static ConfFile readLenient(Path file) throws ConfException {
    ConfReader r = new ConfReader(true);
    r.readFile(file, 0);
    return new ConfFile(file, r.out, r.skipped);
  }

  /**
   * Reads {@code text} as though it were the content of {@code pretendFile}: errors name that file,
   * relative paths and {@code include_dir} resolve against its directory.
   */
  public static ConfFile parse(String text, Path pretendFile) throws ConfException {
    ConfReader r = new ConfReader(false);
    r.readText(text, pretendFile, 0);
    return new ConfFile(pretendFile, r.out, List.of());
  }

  /** Splits one file's text into directives; exposed for tests of the tokenizer. */
  static List<Directive> tokenize(String text, Path file) {
    List<Directive> list = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != '\t') {
        end++;
      }
      list.add(Directive.at(file, i + 1, line.substring(0, end), line.substring(end)));
    }
    return list;
  }

  private void readFile(Path file, int level) throws ConfException {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(file);
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw ConfException.inFile(file, "not UTF-8 text; is this a configuration file?", e);
    } catch (IOException e) {
      throw ConfException.inFile(file, "cannot read: " + describe(e), e);
    }
    if (text.indexOf('\0') >= 0) {
      throw ConfException.inFile(file, "holds NUL bytes; is this a configuration file?", null);
    }
    readText(text, file, level);
  }

  private void readText(String text, Path file, int level) throws ConfException {
    for (Directive d : tokenize(text, file)) {
      out.add(d);
      if (d.name().equals("include_dir")) {
        try {
          include(d, level);
        } catch (ConfException e) {
          if (!lenient) {
            throw e;
          }
          skipped.add(e);
        }
      }
    }
  }

  private void include(Directive d, int level) throws ConfException {
    if (level > 0) {
      throw d.error("only valid in the main configuration file, as in mosquitto");
    }
    Path dir = d.path(null);
    if (!Files.isDirectory(dir)) {
      throw d.error("'" + dir + "' is not a directory");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> isConfName(p.getFileName().toString()))
              .filter(Files::isRegularFile)
              .sorted(Comparator.comparing(p -> p.getFileName().toString(), INCLUDE_ORDER))
              .toList();
    } catch (IOException e) {
      throw d.error("cannot list '" + dir + "': " + describe(e));
    }
    for (Path f : files) {
      try {
        readFile(f, level + 1);
      } catch (ConfException e) {
        if (!lenient) {
          throw e;
        }
        skipped.add(e);
      }
    }
  }

  /** mosquitto reads names longer than ".conf" that end in ".conf" (case-sensitive). */
  private static boolean isConfName(String name) {
    return name.length() > 5 && name.endsWith(".conf");
  }

  /** The cause in words, without Java exception names. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    String m = e.getMessage();
    return m == null ? "input/output error" : m.toLowerCase(Locale.ROOT);
  }
}
