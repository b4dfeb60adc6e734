package dev.mqttls.broker.internal;

import dev.mqttls.broker.ConfigException;
import dev.mqttls.broker.ListenerConfig.Directive;
import java.util.Set;

/** The TLS directives of mosquitto.conf, which the {@code tls} module interprets. */
final class TlsDirectives {
  private static final Set<String> NAMES =
      Set.of(
          "cafile",
          "capath",
          "certfile",
          "keyfile",
          "crlfile",
          "ciphers",
          "ciphers_tls1.3",
          "tls_version",
          "require_certificate",
          "use_identity_as_username",
          "use_subject_as_username",
          "dhparamfile",
          "tls_engine",
          "tls_engine_kpass_sha1",
          "tls_keyform",
          "keyfile_password",
          "psk_hint",
          "psk_file");

  private TlsDirectives() {}

  static boolean isTlsDirective(String name) {
    return NAMES.contains(name);
  }

  static void check(Directive d) throws ConfigException {
    throw ConfigParser.error(d, "not yet supported");
  }
}
