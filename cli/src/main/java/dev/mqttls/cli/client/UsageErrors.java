package dev.mqttls.cli.client;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * Reports a command-line mistake (an unknown option, a missing value) in one line with a pointer to
 * {@code --help}, instead of picocli's default of printing the whole usage text after it.
 */
public final class UsageErrors implements IParameterExceptionHandler {
  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    String message = ex.getMessage() == null ? "invalid arguments" : ex.getMessage().strip();
    int nl = message.indexOf('\n');
    if (nl > 0) {
      message = message.substring(0, nl).strip();
    }
    err.println(name + ": " + lowerFirst(message) + " (see '" + name + " --help')");
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
