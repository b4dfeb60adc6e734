package dev.mqttls.broker.internal;

import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.Directive;
import dev.mqttls.tls.ServerTlsSettings;
import java.nio.file.Path;
import java.util.List;

/** The TLS directives of a listener, interpreted by the {@code tls} module. */
final class TlsDirectives {
  private TlsDirectives() {}

  /**
   * Builds the listener's TLS settings from its directives, naming the offending line: the
   * directive itself for a bad value, {@code where} (the listener line) when they do not fit
   * together.
   */
  static ServerTlsSettings settings(List<Directive> directives, Path baseDir, String where)
      throws ConfigException {
    ServerTlsSettings.Builder b = ServerTlsSettings.builder(baseDir);
    try {
      for (Directive d : directives) {
        b.directive(d);
      }
    } catch (ConfException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": " + e.getMessage());
    }
  }

  /** Checks one directive's value alone (not how it fits with the others). */
  static void checkValue(Directive d, Path baseDir) throws ConfException {
    ServerTlsSettings.builder(baseDir).directive(d);
  }

  /** As {@link #settings(List, Path, String)} for a parsed listener. */
  static ServerTlsSettings settings(ListenerConfig l) throws ConfigException {
    Directive first = l.tlsDirectives().get(0);
    String place = first.file().map(f -> f + ":" + first.line() + ": ").orElse("");
    return settings(l.tlsDirectives(), l.baseDir(), place + l.name());
  }
}
