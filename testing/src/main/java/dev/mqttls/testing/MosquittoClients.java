package dev.mqttls.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code mosquitto_pub} and {@code mosquitto_sub} as test peers, always bounded by a
 * timeout after which they are killed by PID.
 *
 * <pre>{@code
 * try (MosquittoClients.Running sub =
 *     MosquittoClients.start("mosquitto_sub", "-p", port, "-t", "t", "-C", "1", "-d")) {
 *   sub.awaitOutput("SUBACK", Duration.ofSeconds(5));
 *   MosquittoClients.run(Duration.ofSeconds(5), "mosquitto_pub", "-p", port, "-t", "t", "-m", "hi");
 *   assertThat(sub.awaitExit(Duration.ofSeconds(5)).stdout()).contains("hi");
 * }
 * }</pre>
 *
 * <p>Arguments are passed as given: no shell is involved. Host defaults are the tools' own
 * (localhost); tests pass {@code -h 127.0.0.1} to stay on IPv4 loopback.
 */
public final class MosquittoClients {
  private static final Path BIN = Path.of("/usr/bin");
  private static final Path STDBUF = Path.of("/usr/bin/stdbuf");
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);

  private MosquittoClients() {}

  /** Whether {@code mosquitto_pub} and {@code mosquitto_sub} are installed. */
  public static boolean isInstalled() {
    return Files.isExecutable(BIN.resolve("mosquitto_pub"))
        && Files.isExecutable(BIN.resolve("mosquitto_sub"));
  }

  /** Runs {@code tool} (e.g. {@code "mosquitto_pub"}) to completion or until {@code timeout}. */
  public static Result run(Duration timeout, String tool, Object... args) {
    try (Running running = start(tool, args)) {
      return running.awaitExit(timeout);
    }
  }

  /**
   * Runs {@code mosquitto_pub -h 127.0.0.1 -p PORT ARGS...} to completion or until {@code timeout}:
   * the tests' usual publish to a broker on loopback.
   */
  public static Result publishLocal(Duration timeout, Object port, Object... args) {
    Object[] all = new Object[args.length + 4];
    all[0] = "-h";
    all[1] = "127.0.0.1";
    all[2] = "-p";
    all[3] = port;
    System.arraycopy(args, 0, all, 4, args.length);
    return run(timeout, "mosquitto_pub", all);
  }

  /** Starts {@code tool} in the background; the caller closes it. */
  public static Running start(String tool, Object... args) {
    return start(null, tool, args);
  }

  /**
   * As {@link #start(String, Object...)}, with standard input read from {@code input} (e.g. for
   * {@code mosquitto_pub -l}); null: standard input is empty.
   */
  public static Running startWithInput(Path input, String tool, Object... args) {
    return start(input, tool, args);
  }

  private static Running start(Path input, String tool, Object... args) {
    List<String> command = new ArrayList<>();
    // Without a terminal the tools buffer stdout, so awaitOutput would see nothing until exit;
    // stdbuf execs the tool in place, so the PID stays the tool's own.
    if (Files.isExecutable(STDBUF)) {
      command.addAll(List.of(STDBUF.toString(), "-oL", "-eL"));
    }
    command.add(BIN.resolve(tool).toString());
    for (Object arg : args) {
      command.add(String.valueOf(arg));
    }
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      if (input != null) {
        pb.redirectInput(input.toFile());
      }
      Process process = pb.start();
      if (input == null) {
        process.getOutputStream().close();
      }
      return new Running(process, command);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  /**
   * How a client process ended.
   *
   * @param exitCode the exit status, or -1 if it was killed at the timeout
   * @param stdout everything it wrote to standard output
   * @param stderr everything it wrote to standard error
   * @param timedOut whether it was still running at the timeout and was killed
   */
  public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
    /** Standard output split into lines. */
    public List<String> stdoutLines() {
      return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
    }

    @Override
    public String toString() {
      return "exit="
          + exitCode
          + (timedOut ? " (killed at timeout)" : "")
          + "\n--- stdout\n"
          + stdout
          + "\n--- stderr\n"
          + stderr;
    }
  }

  /** A running client process; {@link #close()} kills it by PID if it is still running. */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final List<String> command;
    private final MosquittoProcess.ProcessLog out;
    private final MosquittoProcess.ProcessLog err;

    private Running(Process process, List<String> command) {
      this.process = process;
      this.command = List.copyOf(command);
      String name = "mosquitto-client-" + process.pid();
      this.out = MosquittoProcess.ProcessLog.follow(process.getInputStream(), name + "-out");
      this.err = MosquittoProcess.ProcessLog.follow(process.getErrorStream(), name + "-err");
    }

    /** The command line, for assertion messages. */
    public List<String> command() {
      return command;
    }

    /** The operating-system process id. */
    public long pid() {
      return process.pid();
    }

    /**
     * Waits for a line of standard output containing {@code text} (with {@code -d}, e.g. {@code
     * "SUBACK"}).
     *
     * @throws AssertionError if none appears within {@code timeout}
     */
    public String awaitOutput(String text, Duration timeout) {
      Optional<String> line = out.await(l -> l.contains(text), timeout);
      if (line.isEmpty()) {
        throw new AssertionError(
            "no output line containing '"
                + text
                + "' within "
                + timeout
                + " from "
                + command
                + "\n--- stdout\n"
                + out.text()
                + "\n--- stderr\n"
                + err.text());
      }
      return line.get();
    }

    /** Standard output lines so far. */
    public List<String> outputLines() {
      return out.lines();
    }

    /** Waits for the process to end, killing it at {@code timeout}. */
    public Result awaitExit(Duration timeout) {
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exited = false;
      }
      if (!exited) {
        ProcessSupport.stop(process, KILL_GRACE);
      }
      out.join();
      err.join();
      return new Result(exited ? process.exitValue() : -1, out.text(), err.text(), !exited);
    }

    /**
     * Kills the process by PID with SIGKILL, so an MQTT client ends without DISCONNECT and the
     * broker publishes its will; waits for it to end.
     */
    public void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Kills the process by PID if it is still running. */
    @Override
    public void close() {
      ProcessSupport.stop(process, KILL_GRACE);
      out.join();
      err.join();
    }
  }
}
