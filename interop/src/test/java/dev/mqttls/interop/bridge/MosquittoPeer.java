package dev.mqttls.interop.bridge;

import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Debian's mosquitto started from a configuration file the test wrote, so that it can be killed
 * (SIGKILL, by PID) and started again on the same ports with the same file; {@link
 * dev.mqttls.testing.MosquittoProcess} picks a new port on every start.
 */
final class MosquittoPeer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Path conf;
  private final int port;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private Process process;

  /** A peer running {@code conf}, which listens (among others) on {@code port} of 127.0.0.1. */
  MosquittoPeer(Path conf, int port) {
    this.conf = conf;
    this.port = port;
  }

  /** Starts the process and waits until {@code port} accepts connections. */
  MosquittoPeer start() throws InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    try {
      process =
          new ProcessBuilder(MosquittoProcess.binary().toString(), "-c", conf.toString())
              .directory(conf.getParent().toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process p = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  log.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "mosquitto-peer-" + port);
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("mosquitto exited; its log:\n" + String.join("\n", log));
      }
      if (Ports.accepts(port, Duration.ofMillis(200))) {
        return this;
      }
      Thread.sleep(20);
    }
    close();
    throw new IllegalStateException("mosquitto did not listen on " + port + ":\n" + log);
  }

  /** SIGKILL by PID: no DISCONNECT, no saving, as a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
  }

  /** SIGTERM by PID, as a clean shutdown (mosquitto saves its persistence file). */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      kill();
    }
  }

  /** Whether the process runs. */
  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Everything it logged. */
  String log() {
    return String.join("\n", log);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
