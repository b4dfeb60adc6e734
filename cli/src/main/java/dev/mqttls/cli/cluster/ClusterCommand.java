package dev.mqttls.cli.cluster;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mqttls cluster}: subcommands only. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "A broker cluster (cluster_name in the configuration).",
    subcommands = {StatusCommand.class})
public final class ClusterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }
}
