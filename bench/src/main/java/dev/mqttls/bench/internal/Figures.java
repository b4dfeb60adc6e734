package dev.mqttls.bench.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.HdrHistogram.Histogram;

/** Collects a run's named figures in report order, rounding measured values for reading. */
final class Figures {
  private final Map<String, Object> values = new LinkedHashMap<>();

  Figures put(String name, Object value) {
    values.put(name, value);
    return this;
  }

  Figures count(String name, long value) {
    values.put(name, value);
    return this;
  }

  /** A measured value, rounded to 4 significant digits; NaN and infinities are left out. */
  Figures measured(String name, double value) {
    if (!Double.isNaN(value) && !Double.isInfinite(value)) {
      values.put(name, round(value));
    }
    return this;
  }

  /** Broker CPU per unit of work in µs, when both readings exist and there was work. */
  Figures cpuPerUnit(String name, OptionalLong before, OptionalLong after, long units) {
    if (before.isPresent() && after.isPresent() && units > 0) {
      measured(name, (after.getAsLong() - before.getAsLong()) / 1000.0 / units);
    }
    return this;
  }

  /** p50, p90, p99, p99.9 and max of a histogram recorded in µs, as {@code prefix_p50_ms}... */
  Figures percentilesMs(String prefix, Histogram h) {
    if (h.getTotalCount() == 0) {
      return this;
    }
    measured(prefix + "_p50_ms", h.getValueAtPercentile(50) / 1000.0);
    measured(prefix + "_p90_ms", h.getValueAtPercentile(90) / 1000.0);
    measured(prefix + "_p99_ms", h.getValueAtPercentile(99) / 1000.0);
    measured(prefix + "_p99_9_ms", h.getValueAtPercentile(99.9) / 1000.0);
    measured(prefix + "_max_ms", h.getMaxValue() / 1000.0);
    return this;
  }

  Map<String, Object> map() {
    return values;
  }

  static double round(double v) {
    if (v == 0) {
      return 0;
    }
    double scale = Math.pow(10, 3 - Math.floor(Math.log10(Math.abs(v))));
    return scale >= 1 ? Math.round(v * scale) / scale : Math.round(v / (1 / scale)) * (1 / scale);
  }
}
