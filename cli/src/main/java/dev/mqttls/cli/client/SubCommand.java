package dev.mqttls.cli.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and exits with the usage code. */
@Command(
    name = "sub",
    mixinStandardHelpOptions = true,
    description = "Subscribe and print messages.")
public final class SubCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("mqttls sub: not available yet in this build");
    return 2;
  }
}
