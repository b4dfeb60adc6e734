package dev.mqttls.admin.internal;

import dev.mqttls.admin.AdminConfig;
import dev.mqttls.admin.ReadinessCheck;
import dev.mqttls.broker.Broker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/**
 * What the admin listener's routes see: the running broker, the listener's settings, the metrics
 * registry {@code /metrics} renders and the readiness checks {@code /readyz} runs. Made once at
 * start-up; its parts are thread-safe.
 *
 * @param broker the broker this listener reports on
 * @param config the listener's settings
 * @param registry the Prometheus registry bound to the broker's meters
 * @param readiness the checks beyond the broker's own (e.g. "cluster joined")
 */
public record AdminContext(
    Broker broker,
    AdminConfig config,
    PrometheusMeterRegistry registry,
    List<ReadinessCheck> readiness) {
  public AdminContext {
    readiness = List.copyOf(readiness);
  }
}
