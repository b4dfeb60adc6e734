package dev.mqttls.cli.pki;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code mqttls pki ...} in-process against one directory and keeps what it printed. */
final class PkiCli {
  private final Path dir;

  PkiCli(Path dir) {
    this.dir = dir;
  }

  /** What one run printed and returned. */
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  Run run(String... args) {
    List<String> all = new ArrayList<>();
    all.add("--dir");
    all.add(dir.toString());
    all.addAll(List.of(args));
    return runRaw(all.toArray(new String[0]));
  }

  static Run runRaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new PkiCommand()).setAllowSubcommandsAsOptionParameters(true);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
