package dev.mqttls.admin.internal.http;

import dev.mqttls.admin.internal.AdminContext;
import java.util.List;

/**
 * A group of routes that one feature of the admin listener contributes (metrics and health, the
 * dashboard), made once at start-up from the running broker.
 */
@FunctionalInterface
public interface RouteSet {
  /** The routes of this feature for {@code context}. */
  List<HttpRoute> routes(AdminContext context);
}
