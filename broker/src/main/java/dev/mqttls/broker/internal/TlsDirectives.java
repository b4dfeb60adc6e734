package dev.mqttls.broker.internal;

import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.broker.ListenerConfig.Directive;
import dev.mqttls.tls.ServerTlsSettings;
import java.nio.file.Path;
import java.util.List;

/** The TLS directives of a listener, interpreted by the {@code tls} module. */
final class TlsDirectives {
  private TlsDirectives() {}

  static boolean isTlsDirective(String name) {
    return ServerTlsSettings.isTlsDirective(name);
  }

  /**
   * Builds the listener's TLS settings from its directives, naming the offending line: the
   * directive itself for a bad value, {@code where} (the listener line) when they do not fit
   * together.
   */
  static ServerTlsSettings settings(List<Directive> directives, Path baseDir, String where)
      throws ConfigException {
    ServerTlsSettings.Builder b = ServerTlsSettings.builder(baseDir);
    for (Directive d : directives) {
      try {
        b.directive(d.name(), d.args());
      } catch (IllegalArgumentException e) {
        throw ConfigParser.error(d, e.getMessage());
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }

  /** Checks each directive's value alone (not how they fit together). */
  static void settingsValuesOnly(List<Directive> directives, Path baseDir) throws ConfigException {
    ServerTlsSettings.Builder b = ServerTlsSettings.builder(baseDir);
    for (Directive d : directives) {
      try {
        b.directive(d.name(), d.args());
      } catch (IllegalArgumentException e) {
        throw ConfigParser.error(d, e.getMessage());
      }
    }
  }

  /** As {@link #settings(List, Path, String)} for a parsed listener. */
  static ServerTlsSettings settings(ListenerConfig l) throws ConfigException {
    Directive first = l.tlsDirectives().get(0);
    return settings(
        l.tlsDirectives(), l.baseDir(), first.file() + ":" + first.line() + ": " + l.name());
  }
}
