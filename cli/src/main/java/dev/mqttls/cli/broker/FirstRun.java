package dev.mqttls.cli.broker;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code mqttls broker} does when started without {@code -c}: prepares {@code ./mqttls-data}
 * (development CA, server certificate, a configuration) and prints how to connect.
 */
public final class FirstRun {
  private FirstRun() {}

  /**
   * Prepares (or reuses) the data directory and returns the configuration file to start with, or
   * empty to start with built-in defaults.
   */
  public static Optional<Path> prepare(Path dataDir, PrintStream out) {
    return Optional.empty();
  }
}
