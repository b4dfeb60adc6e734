package dev.mqttls.admin.internal;

import dev.mqttls.admin.internal.http.RouteSet;
import dev.mqttls.admin.internal.probe.ProbeRoutes;
import java.util.List;

/** Every feature of the admin listener; a new feature adds its {@link RouteSet} here. */
public final class RouteSets {
  private RouteSets() {}

  /** The route sets served, in no particular order (the longest prefix wins). */
  public static List<RouteSet> all() {
    return List.of(new ProbeRoutes());
  }
}
