package dev.mqttls.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven through {@code chromedriver}'s W3C WebDriver HTTP API, for
 * tests of pages the broker serves. Every call is bounded by a timeout; {@link #close()} ends the
 * browser session and stops both processes by their PIDs.
 *
 * <pre>{@code
 * try (Chromium browser = Chromium.start()) {
 *   browser.basicAuth("ops", "secret");
 *   browser.open(URI.create("http://127.0.0.1:" + port + "/dashboard/"));
 *   assertThat(browser.awaitText("#clients td", "device-1", Duration.ofSeconds(10))).isPresent();
 *   browser.screenshot(Path.of("docs/dashboard/clients.png"));
 * }
 * }</pre>
 *
 * <p>Chromium runs as root in containers, so it is started with {@code --no-sandbox}; {@code
 * --headless=new} is the real browser without a window (same rendering as a desktop). The WebDriver
 * protocol is spoken directly (JSON over HTTP on 127.0.0.1) rather than through Selenium: the
 * handful of commands tests need do not justify Selenium's dependency tree.
 */
public final class Chromium implements AutoCloseable {
  /** Where Debian installs the browser; the system property {@code mqttls.chromium} overrides. */
  public static final Path DEFAULT_BROWSER = Path.of("/usr/bin/chromium");

  /**
   * Where Debian installs the driver; the system property {@code mqttls.chromedriver} overrides.
   */
  public static final Path DEFAULT_DRIVER = Path.of("/usr/bin/chromedriver");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration EXIT_POLL = Duration.ofMillis(50);
  private static final Pattern STARTED_ON =
      Pattern.compile("ChromeDriver was started successfully on port (\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Polls the page from inside the browser, so the test thread waits on one HTTP answer. */
  private static final String AWAIT_TEXT_SCRIPT =
      "const [sel, want, ms] = arguments; const done = arguments[arguments.length - 1];"
          + "const end = Date.now() + ms;"
          + "(function poll() {"
          + "  for (const e of document.querySelectorAll(sel)) {"
          + "    const t = e.innerText !== undefined ? e.innerText : e.textContent;"
          + "    if (t.includes(want)) { done(t); return; }"
          + "  }"
          + "  if (Date.now() > end) { done(null); return; }"
          + "  setTimeout(poll, 100);"
          + "})();";

  private final Process driver;
  private final MosquittoProcess.ProcessLog driverLog;
  private final HttpClient http;
  private final URI session;
  private final long browserPid;

  private Chromium(
      Process driver,
      MosquittoProcess.ProcessLog driverLog,
      HttpClient http,
      URI session,
      long browserPid) {
    this.driver = driver;
    this.driverLog = driverLog;
    this.http = http;
    this.session = session;
    this.browserPid = browserPid;
  }

  /** The browser binary these tests run. */
  public static Path browserBinary() {
    return Path.of(System.getProperty("mqttls.chromium", DEFAULT_BROWSER.toString()));
  }

  /** The driver binary these tests run. */
  public static Path driverBinary() {
    return Path.of(System.getProperty("mqttls.chromedriver", DEFAULT_DRIVER.toString()));
  }

  /** Whether both Chromium and chromedriver are installed (tests use this to say why not). */
  public static boolean isInstalled() {
    return Files.isExecutable(browserBinary()) && Files.isExecutable(driverBinary());
  }

  /** Starts a headless browser with a 1280×900 window. */
  public static Chromium start() {
    return start(1280, 900);
  }

  /**
   * Starts chromedriver on a port of its choosing on 127.0.0.1 and a headless browser session with
   * a window of {@code width}×{@code height} CSS pixels (the size of screenshots).
   *
   * @throws IllegalStateException naming the cause (and the driver's log) when it does not start
   */
  public static Chromium start(int width, int height) {
    return start(width, height, List.of());
  }

  /**
   * As {@link #start(int, int)}, with more command-line switches for the browser (e.g. {@code
   * --ignore-certificate-errors-spki-list=HASH} to trust one test server key).
   */
  public static Chromium start(int width, int height, List<String> extraArgs) {
    if (!isInstalled()) {
      throw new IllegalStateException(
          browserBinary()
              + " or "
              + driverBinary()
              + " is not installed: run ./test.sh, which installs Debian's chromium and"
              + " chromium-driver");
    }
    Process driver;
    try {
      driver =
          new ProcessBuilder(driverBinary().toString(), "--port=0", "--allowed-ips=127.0.0.1")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + driverBinary(), e);
    }
    MosquittoProcess.ProcessLog log =
        MosquittoProcess.ProcessLog.follow(driver.getInputStream(), "chromedriver");
    try {
      Optional<String> started = log.await(line -> STARTED_ON.matcher(line).find(), START_TIMEOUT);
      if (started.isEmpty()) {
        throw new IllegalStateException(
            "chromedriver did not start within " + START_TIMEOUT + "; its log:\n" + log.text());
      }
      Matcher port = STARTED_ON.matcher(started.get());
      if (!port.find()) {
        throw new IllegalStateException("unreachable: " + started.get());
      }
      URI base = URI.create("http://127.0.0.1:" + port.group(1) + "/");
      HttpClient http = HttpClient.newBuilder().connectTimeout(START_TIMEOUT).build();
      JsonNode created =
          send(http, "POST", base.resolve("session"), capabilities(width, height, extraArgs));
      String id = created.path("sessionId").asText("");
      if (id.isEmpty()) {
        throw new IllegalStateException("chromedriver answered no session id: " + created);
      }
      long pid = created.path("capabilities").path("goog:processID").asLong(-1);
      return new Chromium(driver, log, http, base.resolve("session/" + id + "/"), pid);
    } catch (RuntimeException e) {
      ProcessSupport.stop(driver, STOP_TIMEOUT);
      log.join();
      throw e;
    }
  }

  private static ObjectNode capabilities(int width, int height, List<String> extraArgs) {
    ObjectNode options = JSON.createObjectNode();
    options.put("binary", browserBinary().toString());
    ArrayNode args = options.putArray("args");
    args.add("--headless=new");
    // Root in a container: Chromium's sandbox needs user namespaces it does not get here.
    args.add("--no-sandbox");
    args.add("--disable-gpu");
    // /dev/shm is small in containers; a renderer that runs out of it crashes the tab.
    args.add("--disable-dev-shm-usage");
    args.add("--no-first-run");
    args.add("--hide-scrollbars");
    args.add("--window-size=" + width + "," + height);
    extraArgs.forEach(args::add);
    ObjectNode always = JSON.createObjectNode();
    always.put("browserName", "chrome");
    always.set("goog:chromeOptions", options);
    always.putObject("goog:loggingPrefs").put("browser", "ALL");
    ObjectNode body = JSON.createObjectNode();
    body.putObject("capabilities").set("alwaysMatch", always);
    return body;
  }

  /** The browser's main process id, or -1 when the driver did not say. */
  public long browserPid() {
    return browserPid;
  }

  /** The driver's process id. */
  public long driverPid() {
    return driver.pid();
  }

  /**
   * Sends {@code Authorization: Basic} with every request from now on (pages, fetch and EventSource
   * alike), through the DevTools protocol, since Chromium shows no prompt headless.
   */
  public void basicAuth(String user, String password) {
    String token =
        Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    cdp("Network.enable", JSON.createObjectNode());
    ObjectNode params = JSON.createObjectNode();
    params.putObject("headers").put("Authorization", "Basic " + token);
    cdp("Network.setExtraHTTPHeaders", params);
  }

  private void cdp(String command, ObjectNode params) {
    ObjectNode body = JSON.createObjectNode();
    body.put("cmd", command);
    body.set("params", params);
    command("POST", "goog/cdp/execute", body);
  }

  /** Navigates to {@code url} and returns when the page has loaded. */
  public void open(URI url) {
    ObjectNode body = JSON.createObjectNode();
    body.put("url", url.toString());
    command("POST", "url", body);
  }

  /** The current page's title. */
  public String title() {
    return command("GET", "title", null).asText();
  }

  /** The current page's URL. */
  public String url() {
    return command("GET", "url", null).asText();
  }

  /** The rendered text of every element matching the CSS {@code selector}, in document order. */
  public List<String> texts(String selector) {
    JsonNode value =
        script(
            "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);", selector);
    List<String> texts = new ArrayList<>();
    value.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  /**
   * Waits until an element matching {@code selector} renders text containing {@code wanted};
   * returns that element's text, or empty after {@code timeout}. The page is polled inside the
   * browser every 100 ms.
   */
  public Optional<String> awaitText(String selector, String wanted, Duration timeout) {
    ObjectNode timeouts = JSON.createObjectNode();
    timeouts.put("script", timeout.toMillis() + STOP_TIMEOUT.toMillis());
    command("POST", "timeouts", timeouts);
    ObjectNode body = JSON.createObjectNode();
    body.put("script", AWAIT_TEXT_SCRIPT);
    ArrayNode args = body.putArray("args");
    args.add(selector).add(wanted).add(timeout.toMillis());
    JsonNode value = command("POST", "execute/async", body, timeout.plus(COMMAND_TIMEOUT));
    return value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  /**
   * Runs {@code javaScript} as a function body in the page with {@code args} as {@code arguments};
   * returns what it returns, as JSON.
   */
  public JsonNode script(String javaScript, Object... args) {
    ObjectNode body = JSON.createObjectNode();
    body.put("script", javaScript);
    body.set("args", JSON.valueToTree(args));
    return command("POST", "execute/sync", body);
  }

  /** Clicks the first element matching {@code selector}. */
  public void click(String selector) {
    command("POST", "element/" + element(selector) + "/click", JSON.createObjectNode());
  }

  /** Types {@code text} into the first element matching {@code selector} (after clearing it). */
  public void type(String selector, String text) {
    String element = element(selector);
    command("POST", "element/" + element + "/clear", JSON.createObjectNode());
    ObjectNode body = JSON.createObjectNode();
    body.put("text", text);
    command("POST", "element/" + element + "/value", body);
  }

  private String element(String selector) {
    ObjectNode body = JSON.createObjectNode();
    body.put("using", "css selector");
    body.put("value", selector);
    JsonNode found = command("POST", "element", body);
    // The W3C element reference key: https://www.w3.org/TR/webdriver2/#elements
    return found.path("element-6066-11e4-a52e-4f735466cecf").asText();
  }

  /** A PNG of the browser's viewport. */
  public byte[] screenshot() {
    return Base64.getDecoder().decode(command("GET", "screenshot", null).asText());
  }

  /**
   * Writes a PNG of the browser's viewport to {@code file} (creating its folder) and returns it.
   */
  public Path screenshot(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(file, screenshot());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * Console messages and page errors the browser logged since the last call (each as "LEVEL
   * message"): a test prints them when a page does not show what it expected.
   */
  public List<String> console() {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "browser");
    List<String> lines = new ArrayList<>();
    for (JsonNode entry : command("POST", "se/log", body)) {
      lines.add(entry.path("level").asText() + " " + entry.path("message").asText());
    }
    return lines;
  }

  private JsonNode command(String method, String path, JsonNode body) {
    return command(method, path, body, COMMAND_TIMEOUT);
  }

  private JsonNode command(String method, String path, JsonNode body, Duration timeout) {
    return send(http, method, session.resolve(path), body, timeout);
  }

  private static JsonNode send(HttpClient http, String method, URI uri, JsonNode body) {
    return send(http, method, uri, body, START_TIMEOUT);
  }

  private static JsonNode send(
      HttpClient http, String method, URI uri, JsonNode body, Duration timeout) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .method(method, publisher)
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("chromedriver: " + method + " " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + method + " " + uri, e);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(
          "chromedriver: " + method + " " + uri + " answered " + response.statusCode(), e);
    }
    JsonNode value = answer.path("value");
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "chromedriver: "
              + method
              + " "
              + uri.getPath()
              + ": "
              + value.path("error").asText()
              + ": "
              + value.path("message").asText());
    }
    return value;
  }

  /**
   * Ends the browser session (the browser quits), stops the browser and its helper processes by
   * their PIDs if they outlived it, then chromedriver by its PID.
   */
  @Override
  public void close() {
    try {
      send(http, "DELETE", session, null, STOP_TIMEOUT);
    } catch (RuntimeException e) {
      // The processes are stopped below by PID whatever the driver answered.
    }
    if (browserPid > 0) {
      ProcessHandle.of(browserPid).ifPresent(Chromium::stopBrowser);
    }
    ProcessSupport.stop(driver, STOP_TIMEOUT);
    driverLog.join();
  }

  /** The browser normally quits with its session; one that did not is ended with its helpers. */
  private static void stopBrowser(ProcessHandle browser) {
    if (awaitExit(browser)) {
      return;
    }
    List<ProcessHandle> helpers = browser.descendants().toList();
    browser.destroyForcibly();
    helpers.forEach(ProcessHandle::destroyForcibly);
    awaitExit(browser);
    helpers.forEach(Chromium::awaitExit);
  }

  /** Waits for {@code process} to end (a zombie counts as ended); false after the stop timeout. */
  private static boolean awaitExit(ProcessHandle process) {
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    while (ProcessSupport.running(process.pid())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        process.onExit().get(EXIT_POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // A zombie never completes onExit for a non-child: look at its state again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "Chromium[driver pid " + driver.pid() + ", browser pid " + browserPid + "]";
  }
}
