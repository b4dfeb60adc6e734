package dev.mqttls.doctor;

import dev.mqttls.doctor.internal.ConfigLinter;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Lints a broker configuration in {@code mosquitto.conf} syntax before use, as the mqttls broker
 * reads it (the same reader and directive catalogue, module {@code conf}): every directive known to
 * the broker and supported, with a value it accepts; the TLS files of every listener exist and are
 * readable by the broker's user (symlinks resolved), the key matches the certificate, the chain
 * builds to the CA file, how many days each certificate and the CRL have left, old TLS versions,
 * weak or key-mismatched cipher lists, and contradictory client-certificate settings. Each finding
 * names the file, line and directive.
 */
public final class ConfigLint {
  private ConfigLint() {}

  /**
   * Lints {@code confFile}.
   *
   * @param brokerUser the operating-system user the broker runs as, or null to check readability
   *     for the current user (the mqttls broker never changes user; a file's {@code user} line is
   *     taken as the user meant; pass {@code mosquitto} to check for Mosquitto started as root)
   */
  public static Report lint(Path confFile, String brokerUser) {
    return new ConfigLinter(confFile, brokerUser, Instant.now()).lint();
  }

  /** Lints as if the clock said {@code now}. */
  public static Report lint(Path confFile, String brokerUser, Instant now) {
    return new ConfigLinter(confFile, brokerUser, now).lint();
  }
}
