package dev.mqttls.bench;

import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * One self-contained HTML page for one or more runs of a scenario (two with {@code --compare}): the
 * machine, each run's settings and figures, and plots as inline SVG: latency percentile curves,
 * rate over time, broker CPU per unit of work (and bytes per message for {@code wire}). Charts are
 * drawn by JFreeChart onto JFreeSVG's SVG canvas, so the page needs no script and no network.
 */
public final class HtmlReport {
  private static final int WIDTH = 760;
  private static final int HEIGHT = 380;

  private HtmlReport() {}

  /** Writes the page for {@code runs} to {@code file}. */
  public static void write(List<BenchResult> runs, Path file) throws IOException {
    Files.writeString(file, html(runs), StandardCharsets.UTF_8);
  }

  /** The page's text. */
  public static String html(List<BenchResult> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs to report");
    }
    BenchResult first = runs.get(0);
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>mqttls bench ")
        .append(esc(first.scenario().cliName()))
        .append("</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:60em}")
        .append("table{border-collapse:collapse;margin:.5em 0 1.5em}")
        .append("td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append("figure{margin:1em 0}</style></head><body>\n");
    h.append("<h1>mqttls bench ").append(esc(first.scenario().cliName())).append("</h1>\n");
    Machine m = first.machine();
    h.append("<h2>Machine</h2><table>");
    row(h, "CPU", m.cpuModel());
    row(h, "cores", Integer.toString(m.cores()));
    row(h, "kernel", m.kernel());
    row(h, "JVM", m.jvm());
    row(h, "load average at start (1, 5, 15 min)", m.loadAverage());
    row(h, "started", first.started().toString());
    h.append("</table>\n");

    h.append("<h2>Plots</h2>\n");
    for (String id : seriesIds(runs)) {
      h.append("<figure>").append(lineChart(runs, id)).append("</figure>\n");
    }
    barChart(runs, "broker_cpu_us", "Broker CPU per unit of work (µs)", "µs")
        .ifPresent(svg -> h.append("<figure>").append(svg).append("</figure>\n"));
    barChart(runs, "bytes_per_msg", "Bytes on the wire per message", "bytes")
        .ifPresent(svg -> h.append("<figure>").append(svg).append("</figure>\n"));
    if (runs.stream().noneMatch(r -> r.settings().containsKey("broker_pid"))) {
      h.append("<p>No broker CPU plot: give <code>--broker-pid</code> to measure it.</p>\n");
    }

    for (BenchResult r : runs) {
      h.append("<h2>").append(esc(r.target())).append("</h2>\n<h3>Settings</h3><table>");
      r.settings().forEach((k, v) -> row(h, k, String.valueOf(v)));
      h.append("</table><h3>Figures</h3><table>");
      r.figures().forEach((k, v) -> row(h, k, String.valueOf(v)));
      h.append("</table>\n");
    }
    if (runs.size() == 2) {
      Comparison c = Comparison.of(runs.get(0), runs.get(1));
      h.append("<h2>Ratios (second / first)</h2><table>");
      c.ratios().forEach((k, v) -> row(h, k, String.valueOf(v)));
      h.append("</table>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  private static Set<String> seriesIds(List<BenchResult> runs) {
    Set<String> ids = new LinkedHashSet<>();
    for (BenchResult r : runs) {
      for (Series s : r.series()) {
        if (!s.points().isEmpty()) {
          ids.add(s.id());
        }
      }
    }
    return ids;
  }

  private static String lineChart(List<BenchResult> runs, String id) {
    XYSeriesCollection data = new XYSeriesCollection();
    Series shape = null;
    int n = 0;
    for (BenchResult r : runs) {
      for (Series s : r.series()) {
        if (s.id().equals(id) && !s.points().isEmpty()) {
          shape = s;
          XYSeries xy = new XYSeries((++n) + ": " + r.target(), false, true);
          for (Series.Point p : s.points()) {
            // the percentile axis: 1/(1-p), so p90, p99, p99.9 are evenly spaced
            xy.add(s.percentiles() ? 100.0 / (100.0 - p.x()) : p.x(), p.y());
          }
          data.addSeries(xy);
        }
      }
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            shape.title(),
            shape.xLabel(),
            shape.yLabel(),
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    style(chart);
    if (shape.percentiles()) {
      LogAxis axis = new LogAxis("percentile");
      axis.setBase(10);
      axis.setNumberFormatOverride(new PercentileFormat());
      axis.setLowerBound(1);
      ((XYPlot) chart.getPlot()).setDomainAxis(axis);
    }
    return svg(chart);
  }

  private static java.util.Optional<String> barChart(
      List<BenchResult> runs, String contains, String title, String unit) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    int n = 0;
    for (BenchResult r : runs) {
      n++;
      for (Map.Entry<String, Object> e : r.figures().entrySet()) {
        if (e.getKey().contains(contains) && e.getValue() instanceof Number v) {
          data.addValue(v.doubleValue(), n + ": " + r.target(), e.getKey());
        }
      }
    }
    if (data.getColumnCount() == 0) {
      return java.util.Optional.empty();
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, "", unit, data, PlotOrientation.HORIZONTAL, true, false, false);
    style(chart);
    return java.util.Optional.of(svg(chart));
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(new Color(0xF7F7F7));
  }

  private static String svg(JFreeChart chart) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g.getSVGElement();
  }

  private static void row(StringBuilder h, String key, String value) {
    boolean number = value.matches("-?[0-9.,E]+");
    h.append("<tr><th>")
        .append(esc(key))
        .append("</th><td")
        .append(number ? " class=\"n\"" : "")
        .append('>')
        .append(esc(value))
        .append("</td></tr>");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** Labels the 1/(1-p) axis in percentiles: 2 is p50, 10 is p90, 1000 is p99.9. */
  private static final class PercentileFormat extends NumberFormat {
    @Override
    public StringBuffer format(double x, StringBuffer to, FieldPosition pos) {
      double p = 100.0 - 100.0 / x;
      String s = String.format(Locale.ROOT, "%.4f", p).replaceAll("0+$", "").replaceAll("\\.$", "");
      return to.append('p').append(s);
    }

    @Override
    public StringBuffer format(long x, StringBuffer to, FieldPosition pos) {
      return format((double) x, to, pos);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      return null;
    }
  }
}
