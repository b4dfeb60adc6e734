package dev.mqttls.doctor;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The findings of one probe or one configuration lint, in the order they were found.
 *
 * @param target what was examined: a URL or a configuration file path
 * @param findings the findings, in order
 */
public record Report(String target, List<Finding> findings) {

  /** Validates and copies. */
  public Report {
    Objects.requireNonNull(target, "target");
    findings = List.copyOf(findings);
  }

  /** True when no finding failed. Warnings and facts do not make a report fail. */
  public boolean passed() {
    return count(Status.FAIL) == 0;
  }

  /** How many findings have the given status. */
  public long count(Status status) {
    return findings.stream().filter(f -> f.status() == status).count();
  }

  /** True when some finding has the given code. */
  public boolean has(FindingCode code) {
    return findings.stream().anyMatch(f -> f.code() == code);
  }

  /** The findings that failed. */
  public List<Finding> failures() {
    return findings.stream().filter(f -> f.status() == Status.FAIL).toList();
  }

  /** The report as one JSON object, for machines. */
  public String toJson() {
    StringBuilder b = new StringBuilder(256 + 200 * findings.size());
    b.append("{\"target\":").append(quote(target));
    b.append(",\"passed\":").append(passed());
    b.append(",\"summary\":{");
    Status[] statuses = Status.values();
    for (int i = 0; i < statuses.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(quote(statuses[i].name().toLowerCase(java.util.Locale.ROOT)))
          .append(':')
          .append(count(statuses[i]));
    }
    b.append("},\"findings\":[");
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"step\":").append(f.step().number());
      b.append(",\"code\":").append(quote(f.code().name()));
      if (f.status() == Status.FAIL) {
        f.code()
            .brokerLogCause()
            .ifPresent(c -> b.append(",\"brokerLogCause\":").append(quote(c.name())));
      }
      b.append(",\"status\":").append(quote(f.status().name().toLowerCase(java.util.Locale.ROOT)));
      b.append(",\"message\":").append(quote(f.message()));
      b.append(",\"remedy\":").append(quote(f.remedy()));
      b.append(",\"details\":[");
      for (int j = 0; j < f.details().size(); j++) {
        if (j > 0) {
          b.append(',');
        }
        b.append(quote(f.details().get(j)));
      }
      b.append("]}");
    }
    return b.append("]}").toString();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
