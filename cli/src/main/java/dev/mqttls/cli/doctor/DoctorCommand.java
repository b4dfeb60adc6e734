package dev.mqttls.cli.doctor;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and exits with the usage code. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = "Explain why a secure MQTT connection fails; lint a broker config.")
public final class DoctorCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("mqttls doctor: not available yet in this build");
    return 2;
  }
}
