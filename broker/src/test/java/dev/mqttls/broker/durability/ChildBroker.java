package dev.mqttls.broker.durability;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Our broker in a child JVM (so that it can be killed with SIGKILL), started from a configuration
 * file and stopped by its PID. The log goes to a file the test reads.
 */
final class ChildBroker implements AutoCloseable {
  private static final String READY = "durability test broker ready";
  private static final Duration START = Duration.ofSeconds(30);

  private final Process process;
  private final Path log;

  private ChildBroker(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The child's entry point: a broker from the configuration file, until killed. */
  public static final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
      Broker broker = Broker.start(BrokerConfig.parse(Path.of(args[0])));
      // The parent waits for this line rather than probing the port.
      System.out.println(READY);
      System.out.flush();
      // Ends with the test JVM even if that one is killed: its end closes our standard input.
      InputStream in = System.in;
      while (in.read() >= 0) {
        // until end of stream
      }
      broker.close();
      System.exit(0);
    }
  }

  /** A free port on 127.0.0.1 (the broker binds it again; SO_REUSEADDR is on). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Starts the broker of {@code conf}, logging to {@code log}; returns once it listens. */
  static ChildBroker start(Path conf, Path log) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    ChildBroker b = new ChildBroker(p, log);
    long deadline = System.nanoTime() + START.toNanos();
    int seen = count(read(log), READY);
    // The log is appended to across restarts: wait for one more READY than before.
    while (p.isAlive() && System.nanoTime() < deadline) {
      String text = read(log);
      if (count(text, READY) > seen) {
        return b;
      }
      Thread.sleep(20);
    }
    b.kill();
    throw new IllegalStateException("broker did not start; its log:\n" + read(log));
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  String log() {
    return read(log);
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL by PID, as {@code kill -9}: nothing of the broker runs after this. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("broker " + process.pid() + " survived SIGKILL");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
