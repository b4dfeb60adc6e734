package dev.mqttls.bench;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of one scenario against one broker.
 *
 * @param scenario the scenario
 * @param target the broker's label (its URL)
 * @param started when the run started
 * @param settings the knobs that applied, by the command line's option names
 * @param figures the measured figures in report order: numbers (counts, rates, µs, ms, KiB) and a
 *     few strings; names carry their unit ({@code connack_p99_ms})
 * @param series the plotted series
 * @param machine the machine it ran on
 */
public record BenchResult(
    Scenario scenario,
    String target,
    Instant started,
    Map<String, Object> settings,
    Map<String, Object> figures,
    List<Series> series,
    Machine machine) {

  /** Checks and copies the fields, keeping the maps' order. */
  public BenchResult {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(machine, "machine");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    series = List.copyOf(series);
  }

  /** A numeric figure, or NaN when there is none of that name. */
  public double number(String name) {
    return figures.get(name) instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
