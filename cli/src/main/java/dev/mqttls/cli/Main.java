package dev.mqttls.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mqttls} command. {@link #run(String...)} returns the exit code so that tests can drive
 * the whole command line in-process; {@link #main(String[])} only hands that code to the JVM.
 */
@Command(
    name = "mqttls",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "MQTT secured with TLS: broker, client, certificate authority.",
    subcommands = {
      dev.mqttls.cli.broker.BrokerCommand.class,
      dev.mqttls.cli.pki.PkiCommand.class,
      dev.mqttls.cli.psk.PskCommand.class,
      dev.mqttls.cli.client.PubCommand.class,
      dev.mqttls.cli.client.SubCommand.class,
      dev.mqttls.cli.client.ShellCommand.class,
      dev.mqttls.cli.doctor.DoctorCommand.class,
      dev.mqttls.cli.install.InstallCommand.class,
      dev.mqttls.cli.bench.BenchCommand.class,
      dev.mqttls.cli.cluster.ClusterCommand.class,
      dev.mqttls.cli.provision.ProvisionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  private static final String LEAK_DETECTION = "io.netty.leakDetection.level";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Netty samples buffers and TLS engines for leak reports by recording stack traces: a
    // development aid that costs every connection; tests keep it, the installed command does not.
    if (System.getProperty(LEAK_DETECTION) == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; never calls {@code System.exit}. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The whole command tree, as run; also what man pages and shell completion are made from. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        // "--dir ca" names a directory, although "pki ca" is also a command.
        .setAllowSubcommandsAsOptionParameters(true)
        .setParameterExceptionHandler(new dev.mqttls.cli.client.UsageErrors());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
