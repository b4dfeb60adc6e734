package dev.mqttls.admin.internal.http;

import java.util.Objects;

/**
 * One entry of the admin listener's routing table: requests whose path is {@code prefix} or starts
 * with {@code prefix + "/"} go to {@code handler}. The longest matching prefix wins, so {@code
 * /dashboard/api} may sit beside {@code /dashboard}. Every route is behind the listener's basic
 * authentication when {@code http_password_file} is set, except those marked {@code open} (the
 * health probes, which orchestrators call without credentials).
 *
 * @param prefix a path starting with {@code /}, without a trailing {@code /} (except {@code /})
 * @param handler what answers
 * @param open whether the route answers without authentication
 */
public record HttpRoute(String prefix, HttpHandler handler, boolean open) {
  public HttpRoute {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(handler, "handler");
    if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/"))) {
      throw new IllegalArgumentException("route prefix must start with / and not end with /");
    }
  }

  /** A route behind authentication (when the listener has a password file). */
  public static HttpRoute of(String prefix, HttpHandler handler) {
    return new HttpRoute(prefix, handler, false);
  }

  /** Whether {@code path} (without query) falls under this route. */
  public boolean matches(String path) {
    return prefix.equals("/")
        || path.equals(prefix)
        || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
  }
}
