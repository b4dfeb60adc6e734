package dev.mqttls.cli.client;

import java.util.ArrayList;
import java.util.List;
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
          "MQTT 5 property: -D COMMAND NAME VALUE, or -D COMMAND user-property KEY VALUE.")
  List<String> raw = new ArrayList<>();

  /** One parsed property. */
  record Property(String command, String name, String key, String value) {}

  List<Property> parse() {
    List<Property> out = new ArrayList<>();
    int i = 0;
    while (i < raw.size()) {
      if (i + 3 > raw.size()) {
        throw new CliFailure(ExitCodes.USAGE, "-D needs COMMAND NAME VALUE");
      }
      String command = raw.get(i).toLowerCase(java.util.Locale.ROOT);
      String name = raw.get(i + 1).toLowerCase(java.util.Locale.ROOT);
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
}
