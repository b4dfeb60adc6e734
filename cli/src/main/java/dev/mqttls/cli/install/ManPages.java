package dev.mqttls.cli.install;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * man(7) pages written straight from the picocli command tree: one page per command ({@code
 * mqttls(1)}, {@code mqttls-broker(1)}, {@code mqttls-pki-init(1)}, ...), so they can never
 * disagree with {@code --help}. picocli-codegen's ManPageGenerator writes AsciiDoc, which would
 * need Asciidoctor (a Ruby toolchain, or AsciidoctorJ on JRuby) in the build to become troff; the
 * few macros below are all man(1) needs.
 */
public final class ManPages {
  private ManPages() {}

  /** Page name (e.g. {@code mqttls-pki-init}) to troff text, for the tree of {@code root}. */
  public static Map<String, String> render(CommandLine root, String version) {
    Map<String, String> pages = new LinkedHashMap<>();
    add(root, version, pages);
    return pages;
  }

  private static void add(CommandLine cl, String version, Map<String, String> pages) {
    CommandSpec spec = cl.getCommandSpec();
    if (spec.usageMessage().hidden() || spec.userObject() instanceof CommandLine.HelpCommand) {
      return;
    }
    pages.put(pageName(spec), page(spec, version));
    for (CommandLine sub : distinct(cl)) {
      add(sub, version, pages);
    }
  }

  /** Subcommands once each (an alias maps to the same CommandLine). */
  private static List<CommandLine> distinct(CommandLine cl) {
    List<CommandLine> subs = new ArrayList<>();
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!subs.contains(sub)) {
        subs.add(sub);
      }
    }
    return subs;
  }

  static String pageName(CommandSpec spec) {
    return spec.qualifiedName("-");
  }

  private static String page(CommandSpec spec, String version) {
    StringBuilder t = new StringBuilder();
    String name = pageName(spec);
    String[] description = text(spec.usageMessage().description());
    t.append(".TH \"")
        .append(dashes(name.toUpperCase(Locale.ROOT)))
        .append("\" \"1\" \"\" \"mqttls ")
        .append(escape(version))
        .append("\" \"mqttls manual\"\n");
    t.append(".SH NAME\n")
        .append(dashes(name))
        .append(" \\- ")
        .append(description.length == 0 ? "" : escape(description[0]))
        .append('\n');
    t.append(".SH SYNOPSIS\n.nf\n");
    CommandLine.Help help =
        new CommandLine.Help(
            spec, new CommandLine.Help.ColorScheme.Builder(CommandLine.Help.Ansi.OFF).build());
    for (String line : help.synopsis(0).strip().split("\n", -1)) {
      t.append(escape(line)).append('\n');
    }
    t.append(".fi\n");
    if (description.length > 1) {
      t.append(".SH DESCRIPTION\n");
      for (int i = 1; i < description.length; i++) {
        paragraph(t, description[i]);
      }
    }
    List<PositionalParamSpec> params =
        spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
    if (!params.isEmpty()) {
      t.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec p : params) {
        t.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n");
        describe(t, p);
      }
    }
    List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
    if (!options.isEmpty()) {
      t.append(".SH OPTIONS\n");
      for (OptionSpec o : options) {
        t.append(".TP\n");
        List<String> names = new ArrayList<>();
        for (String n : o.names()) {
          names.add("\\fB" + dashes(n) + "\\fR");
        }
        t.append(String.join(", ", names));
        if (o.arity().max() > 0) {
          t.append("=\\fI").append(escape(o.paramLabel())).append("\\fR");
        }
        t.append('\n');
        describe(t, o);
      }
    }
    List<CommandLine> subs = distinct(spec.commandLine());
    subs.removeIf(
        s ->
            s.getCommandSpec().usageMessage().hidden()
                || s.getCommandSpec().userObject() instanceof CommandLine.HelpCommand);
    if (!subs.isEmpty()) {
      t.append(".SH COMMANDS\n");
      for (CommandLine sub : subs) {
        String[] d = text(sub.getCommandSpec().usageMessage().description());
        t.append(".TP\n\\fB")
            .append(dashes(sub.getCommandName()))
            .append("\\fR\n")
            .append(d.length == 0 ? "" : escape(d[0]))
            .append(" See \\fB")
            .append(dashes(pageName(sub.getCommandSpec())))
            .append("\\fR(1).\n");
      }
    }
    Map<String, String> exits = spec.usageMessage().exitCodeList();
    if (!exits.isEmpty()) {
      t.append(".SH EXIT STATUS\n");
      exits.forEach(
          (code, meaning) ->
              t.append(".TP\n\\fB")
                  .append(escape(code.strip()))
                  .append("\\fR\n")
                  .append(escape(format(meaning)))
                  .append('\n'));
    }
    t.append(".SH SEE ALSO\n");
    List<String> see = new ArrayList<>();
    if (spec.parent() != null) {
      see.add("\\fB" + dashes(pageName(spec.parent())) + "\\fR(1)");
    }
    if (name.equals("mqttls-broker") || name.equals("mqttls-doctor")) {
      see.add("\\fBmosquitto.conf\\fR(5)");
    }
    if (name.equals("mqttls-pub") || name.equals("mqttls-sub")) {
      see.add("\\fBmosquitto_" + name.substring(7) + "\\fR(1)");
    }
    see.add("\\fBmqttls --help\\fR");
    t.append(String.join(", ", see)).append('\n');
    return t.toString();
  }

  private static void describe(StringBuilder t, ArgSpec arg) {
    String[] d = text(arg.description());
    for (int i = 0; i < d.length; i++) {
      if (i > 0) {
        t.append(".br\n");
      }
      t.append(escape(d[i])).append('\n');
    }
  }

  private static void paragraph(StringBuilder t, String text) {
    t.append(".PP\n").append(escape(text)).append('\n');
  }

  /** picocli description lines, with its %n line breaks applied and blank lines dropped. */
  private static String[] text(String[] lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      for (String part : format(line).split("\n", -1)) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out.toArray(new String[0]);
  }

  /** picocli passes help text through String.format: only %n and %% occur in ours. */
  private static String format(String s) {
    return s.replace("%n", "\n").replace("%%", "%");
  }

  /** Text safe in a troff line: backslashes escaped, no line starting as a request. */
  static String escape(String s) {
    String e = s.replace("\\", "\\e");
    return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
  }

  /** Option and command names: '-' as a real minus sign, so that copy and paste works. */
  private static String dashes(String s) {
    return escape(s).replace("-", "\\-");
  }
}
