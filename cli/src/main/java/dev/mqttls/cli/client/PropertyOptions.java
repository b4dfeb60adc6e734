package dev.mqttls.cli.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * MQTT 5 properties as mosquitto's {@code -D command identifier value} takes them, e.g. {@code -D
 * publish content-type text/plain} or {@code -D connect user-property name value}.
 */
public final class PropertyOptions {
  @Option(
      names = {"-D", "--property"},
      arity = "3..4",
      paramLabel = "ARG",
      description =
          "MQTT 5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE"
              + " (COMMAND: connect, publish, will).")
  List<String> raw = new ArrayList<>();

  /** One parsed property. */
  record Property(String command, String name, String key, String value) {}

  /**
   * The properties, each for one of {@code commands} (lower case); {@code notYet} are packets this
   * command sends but without properties from -D yet, refused as such.
   */
  List<Property> parse(Set<String> commands, Set<String> notYet) {
    List<Property> out = new ArrayList<>();
    int i = 0;
    while (i < raw.size()) {
      if (i + 3 > raw.size()) {
        throw new CliFailure(ExitCodes.USAGE, "-D needs COMMAND NAME VALUE");
      }
      String command = raw.get(i).toLowerCase(Locale.ROOT);
      String name = raw.get(i + 1).toLowerCase(Locale.ROOT);
      if (notYet.contains(command)) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "-D "
                + command
                + ": mqttls does not send "
                + command.toUpperCase(Locale.ROOT)
                + " properties yet (it does for connect, publish and will)");
      }
      if (!commands.contains(command)) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "-D "
                + command
                + ": this command takes properties for "
                + String.join(", ", commands.stream().sorted().toList()));
      }
      if (name.equals("user-property")) {
        if (i + 4 > raw.size()) {
          throw new CliFailure(ExitCodes.USAGE, "-D " + command + " user-property needs KEY VALUE");
        }
        out.add(new Property(command, name, raw.get(i + 2), raw.get(i + 3)));
        i += 4;
      } else {
        out.add(new Property(command, name, null, raw.get(i + 2)));
        i += 3;
      }
    }
    return out;
  }

  /** The value of {@code p} as an unsigned integer of at most {@code max}. */
  static long unsigned(Property p, long max) {
    return unsigned(p, 0, max);
  }

  /** The value of {@code p} as an integer in {@code min..max}. */
  static long unsigned(Property p, long min, long max) {
    try {
      long v = Long.parseLong(p.value());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CliFailure(
        ExitCodes.USAGE,
        "-D "
            + p.command()
            + " "
            + p.name()
            + " must be a number "
            + min
            + ".."
            + max
            + ", was "
            + p.value());
  }
}
