package dev.mqttls.testing;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.broker.ConfigException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Our broker, in this JVM, on an ephemeral port of 127.0.0.1, with its log captured.
 *
 * <p>As a JUnit 5 extension it starts before the tests and stops after them: once per class when
 * registered on a static field, once per test when registered on an instance field.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedBroker BROKER = new EmbeddedBroker("max_keepalive 60");
 *
 * @Test
 * void refusesSecondConnect() {
 *   long mark = BROKER.log().mark();
 *   try (ScriptedClient c = ScriptedClient.connect(BROKER.port())) { ... }
 *   BROKER.log().assertLogged(mark, Duration.ofSeconds(5), "second CONNECT");
 * }
 * }</pre>
 *
 * <p>Or directly: {@code try (EmbeddedBroker b = EmbeddedBroker.start("...")) { ... }}.
 *
 * <p>The configuration is {@code mosquitto.conf} text; when it has no {@code listener} line, {@code
 * listener 0 127.0.0.1} is put first. A test that gives its own listener must bind 127.0.0.1 (port
 * 0 picks a free one).
 */
public final class EmbeddedBroker
    implements AutoCloseable,
        BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback {
  private static final Pattern LISTENER_LINE = Pattern.compile("(?m)^\\s*listener\\s");

  private final String confText;
  private Broker broker;
  private LogCapture log;
  private boolean startedForClass;

  /** A broker that the extension callbacks (or {@link #start()}) start with {@code confLines}. */
  public EmbeddedBroker(String... confLines) {
    this.confText = confText(String.join("\n", confLines));
  }

  /** Starts a broker with {@code confLines} now; the caller closes it. */
  public static EmbeddedBroker start(String... confLines) {
    EmbeddedBroker broker = new EmbeddedBroker(confLines);
    broker.start();
    return broker;
  }

  /** The configuration text given to the broker, listener line included. */
  public String confText() {
    return confText;
  }

  /**
   * Parses the configuration and starts the broker, capturing {@code dev.mqttls} log lines from
   * before the first one it writes.
   *
   * @throws IllegalStateException if it is already running or its configuration is refused
   */
  public synchronized EmbeddedBroker start() {
    if (broker != null) {
      throw new IllegalStateException("already started");
    }
    LogCapture capture = LogCapture.start();
    try {
      BrokerConfig config = BrokerConfig.parse(confText, Path.of("embedded-broker.conf"));
      broker = Broker.start(config);
      log = capture;
      return this;
    } catch (ConfigException e) {
      capture.close();
      throw new IllegalStateException("configuration refused: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      capture.close();
      throw e;
    }
  }

  /** The port of the first listener. */
  public int port() {
    return running().address(0).getPort();
  }

  /** {@code tcp://127.0.0.1:PORT}, as Paho spells a server. */
  public String uri() {
    return "tcp://127.0.0.1:" + port();
  }

  /** The running broker. */
  public Broker broker() {
    return running();
  }

  /**
   * Log lines of {@code dev.mqttls} loggers since this broker was started. Loggers are per JVM, not
   * per broker: with two brokers running, each capture sees both, so assert on lines naming this
   * test's own client id or address.
   */
  public LogCapture log() {
    running();
    return log;
  }

  /** Whether the broker is running. */
  public synchronized boolean isRunning() {
    return broker != null;
  }

  private synchronized Broker running() {
    if (broker == null) {
      throw new IllegalStateException("the embedded broker is not running");
    }
    return broker;
  }

  /** Stops the broker and its log capture; does nothing if it is not running. */
  @Override
  public synchronized void close() {
    try {
      if (broker != null) {
        broker.close();
      }
    } finally {
      broker = null;
      if (log != null) {
        log.close();
        log = null;
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startedForClass = true;
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!startedForClass) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!startedForClass) {
      close();
    }
  }

  private static String confText(String given) {
    if (LISTENER_LINE.matcher(given).find()) {
      return given;
    }
    return "listener 0 127.0.0.1\n" + given;
  }
}
