package dev.mqttls.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Debian's Mosquitto broker as a test peer: a generated configuration in a private directory, a
 * free port on 127.0.0.1, its log captured, and the process stopped by its PID on {@link #close()}.
 *
 * <pre>{@code
 * MosquittoProcess.Builder b = MosquittoProcess.builder();
 * Path ca = b.file("ca.pem", caPem);
 * b.listenerLine("cafile " + ca).listenerLine("require_certificate true");
 * try (MosquittoProcess mosquitto = b.start()) {
 *   connectTo(mosquitto.port());
 * }
 * }</pre>
 *
 * <p>The configuration always holds {@code user root} (so Debian's package does not drop to the
 * {@code mosquitto} user and lose access to the test's files), {@code log_dest stderr}, {@code
 * set_tcp_nodelay true} and {@code listener PORT 127.0.0.1}; lines given to {@link
 * Builder#listenerLine} follow the listener line so that per-listener settings (TLS) apply to it.
 */
public final class MosquittoProcess implements AutoCloseable {
  /** Where Debian installs the broker; the system property {@code mqttls.mosquitto} overrides. */
  public static final Path DEFAULT_BINARY = Path.of("/usr/sbin/mosquitto");

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final int port;
  private final Path directory;
  private final Path confFile;
  private final ProcessLog log;

  private MosquittoProcess(
      Process process, int port, Path directory, Path confFile, ProcessLog log) {
    this.process = process;
    this.port = port;
    this.directory = directory;
    this.confFile = confFile;
    this.log = log;
  }

  /** The broker binary these tests run. */
  public static Path binary() {
    return Path.of(System.getProperty("mqttls.mosquitto", DEFAULT_BINARY.toString()));
  }

  /** Whether the Mosquitto binary is installed (tests use this to say why they cannot run). */
  public static boolean isInstalled() {
    return Files.isExecutable(binary());
  }

  /** A builder with a fresh private directory for the configuration and the test's files. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts Mosquitto with only the standard lines plus {@code extraLines} (global position). */
  public static MosquittoProcess start(String... extraLines) {
    Builder builder = builder();
    for (String line : extraLines) {
      builder.line(line);
    }
    return builder.start();
  }

  /** The port of its listener on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The operating-system process id. */
  public long pid() {
    return process.pid();
  }

  /** The private directory holding the configuration and the files given to the builder. */
  public Path directory() {
    return directory;
  }

  /** The generated configuration file. */
  public Path confFile() {
    return confFile;
  }

  /** Every line Mosquitto has logged so far. */
  public List<String> log() {
    return log.lines();
  }

  /** Waits for a log line containing {@code text}; returns it, or empty after {@code timeout}. */
  public Optional<String> awaitLog(String text, Duration timeout) {
    return log.await(line -> line.contains(text), timeout);
  }

  /** Waits for a log line matching {@code test}; returns it, or empty after {@code timeout}. */
  public Optional<String> awaitLog(Predicate<String> test, Duration timeout) {
    return log.await(test, timeout);
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the process by its PID (SIGTERM, then SIGKILL) and deletes its directory. */
  @Override
  public void close() {
    ProcessSupport.stop(process, STOP_TIMEOUT);
    log.join();
    ProcessSupport.deleteRecursively(directory);
  }

  /** Configuration and files for one Mosquitto process. */
  public static final class Builder {
    private final Path directory;
    private final List<String> headLines = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final List<String> listenerLines = new ArrayList<>();
    private boolean allowAnonymous = true;
    private boolean started;

    private Builder() {
      try {
        directory = Files.createTempDirectory("mqttls-mosquitto-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The private directory; files placed here are deleted on {@link MosquittoProcess#close()}. */
    public Path directory() {
      return directory;
    }

    /** Writes {@code content} to {@code name} in the private directory and returns its path. */
    public Path file(String name, byte[] content) {
      Path file = directory.resolve(name);
      try {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return file;
    }

    /** Writes {@code content} as UTF-8 to {@code name} in the private directory. */
    public Path file(String name, String content) {
      return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a configuration line before the builder's own lines; {@code per_listener_settings} goes
     * here, since mosquitto wants it before any security setting (the builder writes {@code
     * allow_anonymous}).
     */
    public Builder headLine(String line) {
      headLines.add(line);
      return this;
    }

    /** Adds a configuration line before the listener (global settings). */
    public Builder line(String line) {
      lines.add(line);
      return this;
    }

    /** Adds a configuration line after the listener line (per-listener settings such as TLS). */
    public Builder listenerLine(String line) {
      listenerLines.add(line);
      return this;
    }

    /** Whether anonymous clients may connect; true unless a test says otherwise. */
    public Builder allowAnonymous(boolean allow) {
      this.allowAnonymous = allow;
      return this;
    }

    /**
     * Writes the configuration, starts Mosquitto and waits until its port accepts connections.
     * Retries on a new port if the chosen one was taken meanwhile.
     *
     * @throws IllegalStateException naming the cause and Mosquitto's log if it does not start
     */
    public MosquittoProcess start() {
      if (started) {
        throw new IllegalStateException("this builder already started a Mosquitto");
      }
      started = true;
      if (!isInstalled()) {
        throw new IllegalStateException(
            binary() + " is not installed: run ./test.sh, which installs Debian's mosquitto");
      }
      String lastFailure = "";
      for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
        int port = Ports.freePort();
        Path conf = directory.resolve("mosquitto.conf");
        try {
          Files.write(conf, confText(port).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        Process process;
        try {
          process =
              new ProcessBuilder(binary().toString(), "-c", conf.toString())
                  .directory(directory.toFile())
                  .redirectErrorStream(true)
                  .start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start " + binary(), e);
        }
        ProcessLog log = ProcessLog.follow(process.getInputStream(), "mosquitto-" + port);
        if (awaitAccepting(process, port)) {
          return new MosquittoProcess(process, port, directory, conf, log);
        }
        ProcessSupport.stop(process, STOP_TIMEOUT);
        log.join();
        lastFailure = String.join("\n", log.lines());
        if (!lastFailure.contains("Address already in use")) {
          break;
        }
      }
      ProcessSupport.deleteRecursively(directory);
      throw new IllegalStateException("mosquitto did not start; its log:\n" + lastFailure);
    }

    private String confText(int port) {
      StringBuilder conf = new StringBuilder();
      conf.append("# generated by dev.mqttls.testing.MosquittoProcess\n");
      for (String line : headLines) {
        conf.append(line).append('\n');
      }
      conf.append("user root\n");
      conf.append("log_dest stderr\n");
      conf.append("log_type error\nlog_type warning\nlog_type notice\nlog_type information\n");
      conf.append("connection_messages true\n");
      conf.append("set_tcp_nodelay true\n");
      conf.append("persistence false\n");
      conf.append("allow_anonymous ").append(allowAnonymous).append('\n');
      for (String line : lines) {
        conf.append(line).append('\n');
      }
      conf.append("listener ").append(port).append(" 127.0.0.1\n");
      for (String line : listenerLines) {
        conf.append(line).append('\n');
      }
      return conf.toString();
    }

    private static boolean awaitAccepting(Process process, int port) {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          return false;
        }
        if (Ports.accepts(port, Duration.ofMillis(200))) {
          return true;
        }
        try {
          process.waitFor(20, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return false;
    }
  }

  /** Lines of a process's output, read by a daemon thread. */
  static final class ProcessLog {
    private final List<String> lines = new ArrayList<>();
    private final Thread thread;

    private ProcessLog(java.io.InputStream in, String name) {
      thread =
          new Thread(
              () -> {
                try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = reader.readLine()) != null) {
                    synchronized (lines) {
                      lines.add(line);
                      lines.notifyAll();
                    }
                  }
                } catch (IOException e) {
                  // The process ended; what it wrote is kept.
                }
              },
              name + "-log");
      thread.setDaemon(true);
      thread.start();
    }

    static ProcessLog follow(java.io.InputStream in, String name) {
      return new ProcessLog(in, name);
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    String text() {
      return String.join("\n", lines());
    }

    Optional<String> await(Predicate<String> test, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (lines) {
        int checked = 0;
        while (true) {
          for (; checked < lines.size(); checked++) {
            if (test.test(lines.get(checked))) {
              return Optional.of(lines.get(checked));
            }
          }
          long remaining = deadline - System.nanoTime();
          if (remaining <= 0) {
            return Optional.empty();
          }
          try {
            lines.wait(Math.max(1, remaining / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
          }
        }
      }
    }

    void join() {
      try {
        thread.join(STOP_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
