package dev.mqttls.cli.broker;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and exits with the usage code. */
@Command(name = "broker", mixinStandardHelpOptions = true, description = "Run the MQTT broker.")
public final class BrokerCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("mqttls broker: not available yet in this build");
    return 2;
  }
}
