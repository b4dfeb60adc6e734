package dev.mqttls.cli.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and exits with the usage code. */
@Command(name = "pub", mixinStandardHelpOptions = true, description = "Publish a message.")
public final class PubCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("mqttls pub: not available yet in this build");
    return 2;
  }
}
