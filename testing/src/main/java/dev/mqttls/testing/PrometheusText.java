package dev.mqttls.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's text exposition format parsed by a parser we did not write: the official Python
 * client's ({@code prometheus_client.parser}, Debian's {@code python3-prometheus-client}), which
 * raises on any malformed line. A test hands it what {@code /metrics} served and gets the samples.
 */
public final class PrometheusText {
  /** Debian's interpreter, which sees Debian's {@code dist-packages}. */
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final String SCRIPT =
      String.join(
          "\n",
          "import sys",
          "from prometheus_client.parser import text_string_to_metric_families",
          "text = open(sys.argv[1], encoding='utf-8').read()",
          "for fam in text_string_to_metric_families(text):",
          "    for s in fam.samples:",
          "        labels = '\\x1f'.join(k + '=' + v for k, v in sorted(s.labels.items()))",
          "        print(fam.type + '\\t' + s.name + '\\t' + labels + '\\t' + repr(s.value))");

  /**
   * One sample.
   *
   * @param type the family's type ({@code counter}, {@code gauge}, {@code histogram}, ...)
   * @param name the sample's name (with {@code _total}, {@code _bucket}, ... as exposed)
   * @param labels the labels, sorted by name
   * @param value the value
   */
  public record Sample(String type, String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  /** Whether the parser is installed. */
  public static boolean isInstalled() {
    return Files.isExecutable(PYTHON)
        && Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/prometheus_client"));
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with the parser's message when the text is not valid
   */
  public static List<Sample> parse(String text) throws IOException, InterruptedException {
    Path in = Files.createTempFile("metrics", ".txt");
    Path out = Files.createTempFile("metrics", ".out");
    try {
      Files.writeString(in, text, StandardCharsets.UTF_8);
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, in.toString())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      try {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("prometheus_client parser did not finish in 60 s");
        }
      } finally {
        p.destroyForcibly();
      }
      String result = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalArgumentException("not valid Prometheus text format: " + result);
      }
      List<Sample> samples = new ArrayList<>();
      for (String line : result.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        Map<String, String> labels = new TreeMap<>();
        if (!f[2].isEmpty()) {
          for (String kv : f[2].split("\u001f")) {
            int eq = kv.indexOf('=');
            labels.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
        samples.add(new Sample(f[0], f[1], labels, number(f[3])));
      }
      return samples;
    } finally {
      Files.deleteIfExists(in);
      Files.deleteIfExists(out);
    }
  }

  private static double number(String repr) {
    return switch (repr) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      case "nan" -> Double.NaN;
      default -> Double.parseDouble(repr);
    };
  }

  /** The value of the sample {@code name} whose labels include {@code labels} (k, v, k, v...). */
  public static Optional<Double> value(List<Sample> samples, String name, String... labels) {
    for (Sample s : samples) {
      if (!s.name().equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i + 1 < labels.length; i += 2) {
        if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
          all = false;
        }
      }
      if (all) {
        return Optional.of(s.value());
      }
    }
    return Optional.empty();
  }
}
