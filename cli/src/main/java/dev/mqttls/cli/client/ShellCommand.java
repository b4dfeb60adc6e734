package dev.mqttls.cli.client;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and exits with the usage code. */
@Command(name = "shell", mixinStandardHelpOptions = true, description = "Interactive MQTT console.")
public final class ShellCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("mqttls shell: not available yet in this build");
    return 2;
  }
}
