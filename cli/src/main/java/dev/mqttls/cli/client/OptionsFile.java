package dev.mqttls.cli.client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code -o FILE}: options read from a file in mosquitto_pub/sub's config-file format (one {@code
 * -option value} per line, {@code #} starts a comment line). They are defaults: an option given on
 * the command line after {@code -o} wins, except repeatable ones such as {@code -t}, which add up,
 * as in mosquitto.
 */
public final class OptionsFile {
  @Option(
      names = {"-o", "--options-file"},
      paramLabel = "FILE",
      parameterConsumer = Reader.class,
      description =
          "Read options from FILE, one '-option value' per line, as mosquitto's config file.")
  Path file;

  /** Replaces {@code -o FILE} on the argument stack by the options in the file. */
  static final class Reader implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec command) {
      if (args.isEmpty()) {
        throw new ParameterException(command.commandLine(), "-o needs a FILE");
      }
      Path file = Path.of(args.pop());
      argSpec.setValue(file);
      List<String> tokens = new ArrayList<>();
      int lineNo = 0;
      List<String> lines;
      try {
        lines = InputFiles.readAllLines("-o", file);
      } catch (CliFailure e) {
        throw new ParameterException(command.commandLine(), e.getMessage());
      }
      for (String line : lines) {
        lineNo++;
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        List<String> words = split(t, file, lineNo, command);
        OptionSpec option = command.findOption(words.get(0));
        if (option == null) {
          throw new ParameterException(
              command.commandLine(),
              file + ":" + lineNo + ": unknown option '" + words.get(0) + "'");
        }
        if (option.isMultiValue() || !givenLater(args, option, command)) {
          tokens.addAll(words);
        }
      }
      for (int i = tokens.size() - 1; i >= 0; i--) {
        args.push(tokens.get(i));
      }
    }

    private static boolean givenLater(Stack<String> args, OptionSpec option, CommandSpec command) {
      for (String a : args) {
        if (a.startsWith("-")) {
          int eq = a.indexOf('=');
          OptionSpec o = command.findOption(eq > 0 ? a.substring(0, eq) : a);
          if (o == option) {
            return true;
          }
        }
      }
      return false;
    }

    /** Words split at blanks; double quotes keep blanks inside a word. */
    private static List<String> split(String line, Path file, int lineNo, CommandSpec command) {
      List<String> words = new ArrayList<>();
      StringBuilder w = new StringBuilder();
      boolean quoted = false;
      boolean inWord = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '"') {
          quoted = !quoted;
          inWord = true;
        } else if (!quoted && Character.isWhitespace(c)) {
          if (inWord) {
            words.add(w.toString());
            w.setLength(0);
            inWord = false;
          }
        } else {
          w.append(c);
          inWord = true;
        }
      }
      if (quoted) {
        throw new ParameterException(
            command.commandLine(), file + ":" + lineNo + ": unbalanced double quote");
      }
      if (inWord) {
        words.add(w.toString());
      }
      return words;
    }
  }
}
