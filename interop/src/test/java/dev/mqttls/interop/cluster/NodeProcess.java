package dev.mqttls.interop.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One cluster node in its own JVM; its output goes to a log file the test reads. */
final class NodeProcess implements AutoCloseable {
  final String name;
  final int mqttPort;
  final int clusterPort;
  final Path log;
  private Process process;
  private final Path conf;

  NodeProcess(String name, int mqttPort, int clusterPort, Path conf, Path log) {
    this.name = name;
    this.mqttPort = mqttPort;
    this.clusterPort = clusterPort;
    this.conf = conf;
    this.log = log;
  }

  void start() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true",
                "-cp",
                System.getProperty("java.class.path"),
                ClusterNodeMain.class.getName(),
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
  }

  /** Waits for the READY line (bounded); fails with the log when it does not come. */
  void awaitReady(Duration timeout) throws InterruptedException {
    awaitLog(ClusterNodeMain.READY, timeout);
  }

  /** How much the log holds now, for {@link #awaitLogSince}. */
  int mark() {
    return read().length();
  }

  /**
   * Waits until the log written after {@code mark} has {@code text} (a line from start-up, when a
   * node was briefly alone, must not count), bounded by {@code timeout}.
   */
  void awaitLogSince(int mark, String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!since(mark).contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(since(mark)).as("%s's log should contain '%s'", name, text).contains(text);
  }

  private String since(int mark) {
    String all = read();
    return all.length() >= mark ? all.substring(mark) : all;
  }

  /** Waits until the log has {@code text}, bounded by {@code timeout}; fails with the log. */
  void awaitLog(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!read().contains(text) && System.nanoTime() < deadline) {
      if (process != null && !process.isAlive() && text.equals(ClusterNodeMain.READY)) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(read()).as("%s's log should contain '%s'", name, text).contains(text);
  }

  String read() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  long pid() {
    return process.pid();
  }

  /** kill -9, by PID. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s ended", name).isTrue();
  }

  /** Sends {@code signal} (STOP, CONT) to this node, by PID. */
  void signal(String signal) throws IOException, InterruptedException {
    Process k = new ProcessBuilder(List.of("kill", "-" + signal, Long.toString(pid()))).start();
    assertThat(k.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).as("kill -%s %s", signal, pid()).isZero();
  }

  private void jstack() throws InterruptedException {
    try {
      Process j =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                  Long.toString(pid()))
              .redirectErrorStream(true)
              .start();
      System.out.println(new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      j.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      System.out.println("(jstack: " + e + ")");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      signal("CONT");
    } catch (IOException | AssertionError e) {
      // Stopping it is what matters.
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      System.out.println(name + " did not stop within 10 s of SIGTERM; its threads:");
      jstack();
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
