package dev.mqttls.bench.internal;

import dev.mqttls.bench.Series;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** Series made from what scenarios record. */
final class Plots {
  private Plots() {}

  /** The percentile curve of a histogram recorded in µs, in ms. */
  static Series percentileCurve(String id, String title, Histogram h) {
    List<Series.Point> points = new ArrayList<>();
    if (h.getTotalCount() > 0) {
      for (HistogramIterationValue v : h.percentiles(5)) {
        double p = v.getPercentileLevelIteratedTo();
        if (p >= 100.0) {
          break;
        }
        points.add(new Series.Point(p, v.getValueIteratedTo() / 1000.0));
      }
      points.add(new Series.Point(100.0 - 1e-4, h.getMaxValue() / 1000.0));
    }
    return new Series(id, title, "percentile", "latency (ms)", true, points);
  }
}
