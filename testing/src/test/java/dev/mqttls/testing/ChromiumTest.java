package dev.mqttls.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromiumTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A page whose script fetches a second resource, so the test sees JavaScript and auth work. */
  private static final String PAGE =
      "<!doctype html><html><head><title>fixture page</title></head><body>"
          + "<input id=q><button id=go onclick=\"document.getElementById('out').textContent="
          + "'typed ' + document.getElementById('q').value\">go</button>"
          + "<p id=out>waiting</p><p id=late></p>"
          + "<script>setTimeout(() => fetch('/data').then(r => r.text())"
          + ".then(t => { document.getElementById('late').textContent = t;"
          + " console.warn('fixture-console-line'); }), 300);</script>"
          + "</body></html>";

  private static HttpServer server;
  private static final List<String> authorizations = new ArrayList<>();

  @BeforeAll
  static void serve() throws IOException {
    assumeThat(Chromium.isInstalled()).as("Debian chromium and chromium-driver installed").isTrue();
    server = HttpServer.create(new InetSocketAddress(Ports.loopback(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, "text/html", PAGE));
    server.createContext("/data", exchange -> answer(exchange, "text/plain", "late text arrived"));
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static void answer(HttpExchange exchange, String type, String body) throws IOException {
    synchronized (authorizations) {
      authorizations.add(
          exchange.getRequestURI().getPath()
              + " "
              + exchange.getRequestHeaders().getFirst("Authorization"));
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static URI page() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @Test
  void loadsAPageRunsItsScriptTypesClicksAndTakesAScreenshot(@TempDir Path dir) {
    Chromium browser = Chromium.start(800, 600);
    long driverPid = browser.driverPid();
    long browserPid = browser.browserPid();
    try (browser) {
      assertThat(browserPid).isPositive();
      browser.basicAuth("ops", "s3cret");
      browser.open(page());
      assertThat(browser.title()).isEqualTo("fixture page");

      Optional<String> late = browser.awaitText("#late", "late text", WAIT);
      assertThat(late).contains("late text arrived");
      assertThat(browser.awaitText("#late", "never shown", Duration.ofMillis(300))).isEmpty();

      browser.type("#q", "hello");
      browser.click("#go");
      assertThat(browser.texts("#out")).containsExactly("typed hello");
      assertThat(browser.script("return 6 * 7").asInt()).isEqualTo(42);
      assertThat(browser.console()).anyMatch(line -> line.contains("fixture-console-line"));

      Path png = browser.screenshot(dir.resolve("shots/page.png"));
      assertThat(png).exists();
      byte[] bytes = readAll(png);
      assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
    }
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8));
    synchronized (authorizations) {
      assertThat(authorizations).contains("/ " + expected, "/data " + expected);
    }
    assertThat(alive(driverPid)).as("chromedriver stopped").isFalse();
    assertThat(alive(browserPid)).as("chromium stopped").isFalse();
  }

  private static boolean alive(long pid) {
    return ProcessSupport.running(pid);
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
