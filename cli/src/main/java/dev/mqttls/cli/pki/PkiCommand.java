package dev.mqttls.cli.pki;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and exits with the usage code. */
@Command(
    name = "pki",
    mixinStandardHelpOptions = true,
    description = "Certificate authority: CA, server and device certificates, CRL, export.")
public final class PkiCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("mqttls pki: not available yet in this build");
    return 2;
  }
}
