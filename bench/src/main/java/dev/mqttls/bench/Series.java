package dev.mqttls.bench;

import java.util.List;
import java.util.Objects;

/**
 * One plotted line of a run: rate over time, or a latency percentile curve.
 *
 * @param id a stable name ({@code rate}, {@code latency})
 * @param title the plot's title
 * @param xLabel the x axis, with unit
 * @param yLabel the y axis, with unit
 * @param percentiles whether x is a percentile (plotted on the usual 1/(1-p) log axis)
 * @param points the points, in x order
 */
public record Series(
    String id,
    String title,
    String xLabel,
    String yLabel,
    boolean percentiles,
    List<Point> points) {

  /** One point. */
  public record Point(double x, double y) {}

  /** Checks and copies the fields. */
  public Series {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(xLabel, "xLabel");
    Objects.requireNonNull(yLabel, "yLabel");
    points = List.copyOf(points);
  }
}
