package dev.mqttls.doctor.internal;

import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfFile;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.conf.Directive;
import dev.mqttls.tls.ServerTlsSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A configuration as the broker reads it (through {@code conf}'s reader and catalogue), split into
 * global directives and listener blocks, with every directive's file and line. An {@code
 * include_dir} that cannot be followed is recorded, not fatal, so the rest is still checked.
 */
final class MosquittoConf {
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

    /** The listener's directives, the last of each name. */
    java.util.Collection<Directive> directives() {
      return directives.values();
    }

    /** Whether the directive is given and reads as true, as the broker reads it. */
    boolean isTrue(String name) {
      Directive x = directives.get(name);
      try {
        return x != null && x.bool();
      } catch (ConfException e) {
        return false; // reported once, as CONFIG_DIRECTIVE_INVALID
      }
    }

    /** Whether any listener directive the broker takes (a TLS setting) is given. */
    boolean hasSettings() {
      return !directives.isEmpty();
    }

    /** "file:line (listener ...)", for messages. */
    String where() {
      return line == 0
          ? file.getFileName() + " (" + label + ")"
          : file.getFileName() + ":" + line + " (" + label + ")";
    }
  }

  final List<Listener> listeners = new ArrayList<>();
  final Map<String, Directive> global = new LinkedHashMap<>();

  /** Every directive, in the order the broker applies them. */
  final List<Directive> all;

  /** What could not be followed: an include_dir, or a file in it. */
  final List<ConfException> unreadableIncludes;

  private MosquittoConf(ConfFile file) {
    this.all = file.directives();
    this.unreadableIncludes = file.skipped();
    Listener current = new Listener("default listener", file.file(), 0);
    listeners.add(current);
    for (Directive d : all) {
      if (d.name().equals("listener")) {
        current = new Listener("listener " + d.value(), d.file().orElseThrow(), d.line());
        listeners.add(current);
      } else if (ServerTlsSettings.isTlsDirective(d.name())) {
        current.directives.put(d.name(), d);
      } else {
        global.put(d.name(), d);
      }
    }
  }

  /**
   * Reads {@code conf} and what it includes.
   *
   * @throws ConfException when {@code conf} itself cannot be read
   */
  static MosquittoConf read(Path conf) throws ConfException {
    return new MosquittoConf(ConfReader.readLenient(conf));
  }

  /** "file:line: name value", for messages. */
  static String at(Directive d) {
    return d.file().map(f -> f.getFileName() + ":" + d.line() + ": ").orElse("")
        + d.name()
        + (d.value().isEmpty() ? "" : " " + d.value());
  }
}
