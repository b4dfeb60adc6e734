package dev.mqttls.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A run as one JSON object on one line ({@code --json}): scenario, target, start time, settings,
 * figures, the machine and the plotted series ({@code [x, y]} pairs). Figure names carry their unit
 * and are stable across releases, so scripts can compare runs.
 */
public final class JsonReport {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonReport() {}

  /** One run as a single line of JSON. */
  public static String of(BenchResult r) {
    return write(tree(r));
  }

  /** A comparison as a single line: both targets and the ratios second / first. */
  public static String of(Comparison c) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("comparison", c.first().scenario().cliName());
    o.put("first", c.first().target());
    o.put("second", c.second().target());
    ObjectNode ratios = o.putObject("ratios");
    c.ratios().forEach(ratios::put);
    return write(o);
  }

  static ObjectNode tree(BenchResult r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("scenario", r.scenario().cliName());
    o.put("target", r.target());
    o.put("started", r.started().toString());
    o.set("settings", MAPPER.valueToTree(r.settings()));
    o.set("figures", MAPPER.valueToTree(r.figures()));
    Machine m = r.machine();
    o.set(
        "machine",
        MAPPER.valueToTree(
            Map.of(
                "cpu_model", m.cpuModel(),
                "cores", m.cores(),
                "kernel", m.kernel(),
                "jvm", m.jvm(),
                "load_average", m.loadAverage())));
    ArrayNode series = o.putArray("series");
    for (Series s : r.series()) {
      ObjectNode so = series.addObject();
      so.put("id", s.id());
      so.put("title", s.title());
      so.put("x", s.xLabel());
      so.put("y", s.yLabel());
      ArrayNode pts = so.putArray("points");
      for (Series.Point p : s.points()) {
        pts.addArray().add(p.x()).add(p.y());
      }
    }
    return o;
  }

  private static String write(ObjectNode o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain values always serializes", e);
    }
  }
}
