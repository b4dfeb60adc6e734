package dev.mqttls.bench.internal;

import dev.mqttls.bench.Series;
import java.util.List;
import java.util.Map;

/** What a scenario measured: named figures and plot series. */
public record ScenarioOutput(Map<String, Object> figures, List<Series> series) {
  /** Copies the series. */
  public ScenarioOutput {
    series = List.copyOf(series);
  }
}
