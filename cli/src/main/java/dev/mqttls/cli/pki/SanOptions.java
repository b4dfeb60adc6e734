package dev.mqttls.cli.pki;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --dns} / {@code --ip}: the subject alternative names of a server or node certificate. */
final class SanOptions {
  @Option(
      names = "--dns",
      split = ",",
      paramLabel = "NAME",
      description = "DNS SAN (repeatable or comma-separated).")
  List<String> dns = new ArrayList<>();

  @Option(
      names = "--ip",
      split = ",",
      paramLabel = "ADDR",
      description = "IP address SAN (repeatable or comma-separated).")
  List<String> ips = new ArrayList<>();
}
