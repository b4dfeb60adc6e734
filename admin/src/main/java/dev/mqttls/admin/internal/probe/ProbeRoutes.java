package dev.mqttls.admin.internal.probe;

import dev.mqttls.admin.ReadinessCheck;
import dev.mqttls.admin.internal.AdminContext;
import dev.mqttls.admin.internal.http.AdminRequest;
import dev.mqttls.admin.internal.http.HttpRoute;
import dev.mqttls.admin.internal.http.RouteSet;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What machines probe: {@code /metrics} (Prometheus text format 0.0.4), {@code /healthz} (the
 * process answers) and {@code /readyz} (the broker can serve: listeners and store open, and every
 * extra {@link ReadinessCheck}, such as cluster membership). The probes answer without
 * authentication, as orchestrators call them; {@code /metrics} is behind it.
 */
public final class ProbeRoutes implements RouteSet {
  private static final String TEXT = "text/plain; charset=utf-8";

  /** The content type of Prometheus's text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  @Override
  public List<HttpRoute> routes(AdminContext context) {
    return List.of(
        HttpRoute.of("/metrics", r -> metrics(r, context.registry())),
        new HttpRoute("/healthz", r -> r.respond(HttpResponseStatus.OK, TEXT, "ok\n"), true),
        new HttpRoute("/readyz", r -> ready(r, context), true));
  }

  private static void metrics(AdminRequest r, PrometheusMeterRegistry registry) {
    r.respond(HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape());
  }

  private static void ready(AdminRequest r, AdminContext context) {
    List<String> not = new ArrayList<>();
    context.broker().telemetry().notReady().ifPresent(not::add);
    for (ReadinessCheck c : context.readiness()) {
      Optional<String> why = c.notReady();
      why.ifPresent(not::add);
    }
    if (not.isEmpty()) {
      r.respond(HttpResponseStatus.OK, TEXT, "ready\n");
    } else {
      r.respond(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          TEXT,
          "not ready: " + String.join("; ", not) + "\n");
    }
  }
}
