package dev.mqttls.admin.internal.dashboard;

import dev.mqttls.admin.internal.http.AdminRequest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's files: its own from {@code dashboard/} on the classpath, the chart library from
 * its WebJar. Only the files named here are served (no path from a request reaches the class
 * loader), read once at start-up.
 */
final class StaticFiles {
  /** uPlot's WebJar puts its files under this folder, by version. */
  private static final String UPLOT = "META-INF/resources/webjars/uplot/";

  private static final String UPLOT_PROPERTIES =
      "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  /**
   * Served on every page: scripts only from this listener, no framing by other sites, no referrer
   * leaking client ids to elsewhere.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
          + " data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final Map<String, File> files;

  private record File(String contentType, byte[] bytes) {}

  private StaticFiles(Map<String, File> files) {
    this.files = files;
  }

  /**
   * Loads every file now, so that a missing one (a broken build) stops the admin listener at
   * start-up rather than showing a half page later.
   */
  static StaticFiles load() {
    ClassLoader loader = StaticFiles.class.getClassLoader();
    String uplot = UPLOT + uplotVersion(loader) + "/dist/";
    return new StaticFiles(
        Map.of(
            "index.html", file(loader, "dashboard/index.html", "text/html; charset=utf-8"),
            "dashboard.js",
                file(loader, "dashboard/dashboard.js", "text/javascript; charset=utf-8"),
            "dashboard.css", file(loader, "dashboard/dashboard.css", "text/css; charset=utf-8"),
            "lib/uPlot.js",
                file(loader, uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "lib/uPlot.css", file(loader, uplot + "uPlot.min.css", "text/css; charset=utf-8")));
  }

  private static String uplotVersion(ClassLoader loader) {
    java.util.Properties p = new java.util.Properties();
    try (InputStream in = loader.getResourceAsStream(UPLOT_PROPERTIES)) {
      if (in == null) {
        throw new IllegalStateException("the uPlot WebJar is not on the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }

  private static File file(ClassLoader loader, String name, String contentType) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard file " + name + " is not on the classpath");
      }
      return new File(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers with the file {@code name} (e.g. {@code dashboard.js}), or 404. */
  void serve(AdminRequest request, String name) {
    File f = files.get(name);
    if (f == null) {
      request.respond(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "not found\n");
      return;
    }
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(f.bytes()));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
    r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    r.headers().set("X-Content-Type-Options", "nosniff");
    r.headers().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    r.headers().set("Referrer-Policy", "no-referrer");
    request.send(r);
  }
}
