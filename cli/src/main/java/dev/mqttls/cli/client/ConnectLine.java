package dev.mqttls.cli.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParseResult;

/**
 * The shell's {@code connect [URL] [OPTIONS]}: the options the shell was started with, overridden
 * by those on the line, parsed by the same option classes as {@code mqttls sub}. A URL on the line
 * replaces the shell's host, port and URL, unless the line gives them too.
 */
@Command(name = "connect")
final class ConnectLine {
  @Mixin ConnectionOptions connection = new ConnectionOptions();
  @Mixin SessionOptions session = new SessionOptions();
  @Mixin TlsOptions tls = new TlsOptions();
  @Mixin PropertyOptions properties = new PropertyOptions();

  @Parameters(arity = "0..1", paramLabel = "URL")
  String url;

  /** Where the broker is: options the URL on the line replaces. */
  private static final Set<String> LOCATION = Set.of("--host", "--port", "--url");

  /** Flags the shell's own command line may hold that are not connection options. */
  private static final Set<String> NOT_CARRIED = Set.of("--help", "--options-file", "--property");

  static ConnectLine parse(CommandSpec shell, List<String> words, PropertyOptions shellProperties) {
    ConnectLine own = new ConnectLine();
    CommandLine ownCl = new CommandLine(own);
    ParseResult line;
    try {
      line = ownCl.parseArgs(words.toArray(new String[0]));
    } catch (ParameterException e) {
      throw new CliFailure(ExitCodes.USAGE, "connect: " + firstLine(e.getMessage()));
    }
    boolean urlOnLine = own.url != null || line.hasMatchedOption("--url");
    boolean urlsOnLine = line.hasMatchedOption("--url");
    List<String> args = new ArrayList<>();
    ParseResult started = shell.commandLine().getParseResult();
    if (started != null) {
      for (OptionSpec o : started.matchedOptions()) {
        String name = o.longestName();
        if (NOT_CARRIED.contains(name)
            || (urlOnLine && LOCATION.contains(name) && !line.hasMatchedOption(name))
            // --url is repeatable (failover): the line's URLs replace the shell's, not add to them
            || (urlsOnLine && name.equals("--url"))) {
          continue;
        }
        if (o.arity().max() == 0) {
          args.add(name);
        } else {
          for (String v : o.originalStringValues()) {
            args.add(name);
            args.add(v);
          }
        }
      }
    }
    for (int i = 0; i < shellProperties.raw.size(); ) {
      // -D takes 3 or 4 words; user-property is the one with 4
      int n = shellProperties.raw.get(i + 1).equalsIgnoreCase("user-property") ? 4 : 3;
      args.add("-D");
      args.addAll(shellProperties.raw.subList(i, Math.min(i + n, shellProperties.raw.size())));
      i += n;
    }
    args.addAll(words);
    if (own.url != null) {
      // the positional URL becomes the first --url (the others, if any, are its failovers)
      int at = args.lastIndexOf(own.url);
      args.remove(at);
      int firstUrl = args.indexOf("--url");
      if (firstUrl < 0) {
        firstUrl = args.size();
      }
      args.add(firstUrl, own.url);
      args.add(firstUrl, "--url");
    }
    ConnectLine merged = new ConnectLine();
    CommandLine cl = new CommandLine(merged).setOverwrittenOptionsAllowed(true);
    try {
      cl.parseArgs(args.toArray(new String[0]));
    } catch (ParameterException e) {
      throw new CliFailure(ExitCodes.USAGE, "connect: " + firstLine(e.getMessage()));
    }
    return merged;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid arguments";
    }
    int nl = s.indexOf('\n');
    return (nl > 0 ? s.substring(0, nl) : s).strip();
  }
}
