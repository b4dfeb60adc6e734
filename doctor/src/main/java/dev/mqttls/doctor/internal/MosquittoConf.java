package dev.mqttls.doctor.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A configuration in {@code mosquitto.conf} syntax, split into global directives and listener
 * blocks, with every directive's file and line. {@code include_dir} is followed as Mosquitto does:
 * the directory's {@code *.conf} files in alphabetical order, read where the directive stands.
 */
final class MosquittoConf {
  /** A directive with its value and where it was found. */
  record Directive(Path file, String name, String value, int line) {
    /** "file:line: name value", for messages. */
    String at() {
      return file.getFileName() + ":" + line + ": " + name + " " + value;
    }
  }

  /** A listener block: its directives in order; line 0 for settings before any listener. */
  static final class Listener {
    final String label;
    final Path file;
    final int line;
    private final Map<String, Directive> directives = new LinkedHashMap<>();

    Listener(String label, Path file, int line) {
      this.label = label;
      this.file = file;
      this.line = line;
    }

    Directive get(String name) {
      return directives.get(name);
    }

    boolean isTrue(String name) {
      Directive x = directives.get(name);
      return x != null && x.value().equalsIgnoreCase("true");
    }

    /** "file:line (listener ...)", for messages. */
    String where() {
      return line == 0
          ? file.getFileName() + " (" + label + ")"
          : file.getFileName() + ":" + line + " (" + label + ")";
    }
  }

  /** Directives that belong to the listener above them. */
  static final List<String> LISTENER_DIRECTIVES =
      List.of(
          "cafile",
          "capath",
          "certfile",
          "keyfile",
          "crlfile",
          "tls_version",
          "ciphers",
          "ciphers_tls1.3",
          "require_certificate",
          "use_identity_as_username",
          "use_subject_as_username",
          "tls_engine",
          "psk_hint");

  private static final int MAX_INCLUDED_FILES = 256;

  final List<Listener> listeners = new ArrayList<>();
  final Map<String, Directive> global = new LinkedHashMap<>();

  /** include_dir directives whose directory could not be listed. */
  final List<Directive> unreadableIncludes = new ArrayList<>();

  private Listener current;
  private int included;

  private MosquittoConf(Path conf) {
    current = new Listener("default listener", conf, 0);
    listeners.add(current);
  }

  /** Reads {@code conf} and what it includes. */
  static MosquittoConf read(Path conf) throws IOException {
    MosquittoConf c = new MosquittoConf(conf);
    c.readFile(conf, Files.readAllLines(conf, StandardCharsets.UTF_8));
    return c;
  }

  private void readFile(Path file, List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i).strip();
      if (raw.isEmpty() || raw.startsWith("#")) {
        continue;
      }
      String[] parts = raw.split("\\s+", 2);
      String name = parts[0].toLowerCase(Locale.ROOT);
      String value = parts.length > 1 ? parts[1].strip() : "";
      Directive dir = new Directive(file, name, value, i + 1);
      if (name.equals("listener")) {
        current = new Listener("listener " + value, file, i + 1);
        listeners.add(current);
      } else if (LISTENER_DIRECTIVES.contains(name)) {
        current.directives.put(name, dir);
      } else if (name.equals("include_dir")) {
        include(dir);
      } else {
        global.put(name, dir);
      }
    }
  }

  private void include(Directive dir) {
    Path d = Path.of(dir.value());
    if (!d.isAbsolute()) {
      d = dir.file().toAbsolutePath().getParent().resolve(d);
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(d, "*.conf")) {
      s.forEach(files::add);
    } catch (IOException e) {
      unreadableIncludes.add(dir);
      return;
    }
    files.sort(null);
    for (Path f : files) {
      if (++included > MAX_INCLUDED_FILES) {
        unreadableIncludes.add(dir);
        return;
      }
      try {
        readFile(f, Files.readAllLines(f, StandardCharsets.UTF_8));
      } catch (IOException e) {
        unreadableIncludes.add(new Directive(f, "include_dir", f.toString(), 0));
      }
    }
  }
}
