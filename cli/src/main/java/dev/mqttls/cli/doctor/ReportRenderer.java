package dev.mqttls.cli.doctor;

import dev.mqttls.doctor.Finding;
import dev.mqttls.doctor.Report;
import dev.mqttls.doctor.Status;
import dev.mqttls.doctor.Step;
import java.io.PrintWriter;

/** Renders a doctor report for people: one heading per step, ✔/✘/!/· per finding, a summary. */
final class ReportRenderer {
  private static final String RESET = "\u001b[0m";

  private final PrintWriter out;
  private final boolean color;

  ReportRenderer(PrintWriter out, boolean color) {
    this.out = out;
    this.color = color;
  }

  void render(Report r) {
    out.println("mqttls doctor " + r.target());
    Step last = null;
    for (Finding f : r.findings()) {
      if (f.step() != last) {
        last = f.step();
        out.println();
        out.println(last.number() > 0 ? last.number() + " " + last.title() : last.title());
      }
      String cause =
          f.status() == Status.FAIL
              ? f.code().brokerLogCause().map(c -> "; mqttls broker logs " + c).orElse("")
              : "";
      out.println("  " + symbol(f.status()) + " " + f.message() + "  [" + f.code() + cause + "]");
      for (String d : f.details()) {
        out.println("      " + d);
      }
      if (!f.remedy().isEmpty() && f.status() != Status.PASS && f.status() != Status.INFO) {
        out.println("    → " + f.remedy());
      }
    }
    out.println();
    long fail = r.count(Status.FAIL);
    long warn = r.count(Status.WARN);
    String summary =
        r.count(Status.PASS)
            + " passed, "
            + fail
            + " failed, "
            + warn
            + (warn == 1 ? " warning" : " warnings");
    out.println(
        (fail == 0
                ? paint("✔", "\u001b[32m") + " All checks passed: "
                : paint("✘", "\u001b[31m") + " Not working: ")
            + summary
            + ".");
  }

  private String symbol(Status s) {
    return switch (s) {
      case PASS -> paint("✔", "\u001b[32m");
      case FAIL -> paint("✘", "\u001b[31m");
      case WARN -> paint("!", "\u001b[33m");
      case INFO -> paint("·", "\u001b[2m");
    };
  }

  private String paint(String s, String code) {
    return color ? code + s + RESET : s;
  }
}
