package dev.mqttls.admin.internal.dashboard;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;

/**
 * The overview's figures at one instant, read from the broker's meters (the same ones {@code
 * /metrics} shows, so the dashboard and Prometheus never disagree). Totals only: the page turns
 * successive totals into rates.
 *
 * @param at milliseconds since the epoch
 * @param connections clients connected now
 * @param publishIn PUBLISH packets received since start
 * @param publishOut PUBLISH packets sent since start
 * @param handshakes TLS handshakes completed since start
 * @param failuresByCause failed TLS handshakes since start, by named cause
 */
record Figures(
    long at,
    long connections,
    long publishIn,
    long publishOut,
    long handshakes,
    Map<String, Long> failuresByCause) {

  static final String CONNECTIONS = "mqttls.connections";
  static final String PUBLISH_IN = "mqttls.publish.received";
  static final String PUBLISH_OUT = "mqttls.publish.sent";
  static final String HANDSHAKES = "mqttls.tls.handshakes";
  static final String FAILURES = "mqttls.tls.handshake.failures";

  static Figures read(MeterRegistry registry, long now) {
    Map<String, Long> failures = new TreeMap<>();
    for (Meter m : registry.find(FAILURES).meters()) {
      String cause = m.getId().getTag("cause");
      failures.merge(cause == null ? "unknown" : cause, value(m), Long::sum);
    }
    return new Figures(
        now,
        sum(registry, CONNECTIONS),
        sum(registry, PUBLISH_IN),
        sum(registry, PUBLISH_OUT),
        sum(registry, HANDSHAKES),
        failures);
  }

  private static long sum(MeterRegistry registry, String name) {
    long total = 0;
    for (Meter m : registry.find(name).meters()) {
      total += value(m);
    }
    return total;
  }

  /** A counter's count or a gauge's value, whatever the meter type. */
  private static long value(Meter m) {
    for (Measurement x : m.measure()) {
      switch (x.getStatistic()) {
        case COUNT, VALUE, TOTAL -> {
          return Math.round(x.getValue());
        }
        default -> {}
      }
    }
    return 0;
  }
}
