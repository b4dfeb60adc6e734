package dev.mqttls.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The same scenario against two brokers in turn: for every numeric figure both runs have, the ratio
 * second / first (so 0.5 for a CPU figure means the second broker needs half as much).
 *
 * @param first the first run
 * @param second the second run
 * @param ratios second / first per figure name, in the first run's order
 */
public record Comparison(BenchResult first, BenchResult second, Map<String, Double> ratios) {
  // figures that repeat what was asked for rather than measure anything: their ratio is always 1
  private static final Set<String> INPUTS =
      Set.of(
          "publishers",
          "subscribers",
          "qos",
          "payload_bytes",
          "window",
          "rate_msgs_per_s",
          "subscriber_delay_us",
          "concurrency",
          "connections_requested",
          "source_addresses",
          "messages",
          "batch");

  /** Checks and copies the fields. */
  public Comparison {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    ratios = Collections.unmodifiableMap(new LinkedHashMap<>(ratios));
  }

  /** The ratios of two runs of one scenario. */
  public static Comparison of(BenchResult first, BenchResult second) {
    if (first.scenario() != second.scenario()) {
      throw new IllegalArgumentException(
          "cannot compare " + first.scenario() + " with " + second.scenario());
    }
    Map<String, Double> r = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : first.figures().entrySet()) {
      double a = first.number(e.getKey());
      double b = second.number(e.getKey());
      if (!INPUTS.contains(e.getKey()) && !Double.isNaN(a) && !Double.isNaN(b) && a != 0) {
        r.put(e.getKey(), Math.round(b / a * 1000) / 1000.0);
      }
    }
    return new Comparison(first, second, r);
  }
}
