package dev.mqttls.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The external processes of one test: each runs in a given directory with its output (stdout and
 * stderr together) in a file, and {@link #close()} stops every one still running by its PID.
 */
public final class TestProcesses implements AutoCloseable {
  private final Path logs;
  private final List<Process> started = new ArrayList<>();
  private int count;

  /** Output files go to {@code logs}. */
  public TestProcesses(Path logs) {
    this.logs = logs;
  }

  /** What a finished process printed and returned. */
  public record Result(int exit, String output, List<String> command) {
    @Override
    public String toString() {
      return String.join(" ", command) + "\nexit " + exit + "\n" + output;
    }
  }

  /** A started process and the file its output goes to. */
  public record Started(Process process, Path outputFile, List<String> command) {
    /** What it has printed so far. */
    public String output() {
      try {
        return Files.readString(outputFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(cannot read " + outputFile + ": " + e.getMessage() + ")";
      }
    }

    /**
     * Waits (at most {@code limit}) for the output to contain {@code text}; false if it did not.
     */
    public boolean awaitOutput(String text, Duration limit) throws InterruptedException {
      long end = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < end) {
        if (output().contains(text)) {
          return true;
        }
        if (!process.isAlive()) {
          return output().contains(text);
        }
        process.waitFor(100, TimeUnit.MILLISECONDS);
      }
      return output().contains(text);
    }
  }

  /**
   * Starts {@code command} in {@code dir} with {@code env} added to (or, for null values, removed
   * from) this JVM's.
   */
  public Started start(Path dir, Map<String, String> env, String... command) throws IOException {
    Path out = logs.resolve("process-" + (++count) + ".out");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    Process p = pb.start();
    started.add(p);
    return new Started(p, out, List.of(command));
  }

  /** Runs {@code command} to its end, at most {@code limit}; a process still running then fails. */
  public Result run(Duration limit, Path dir, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Started s = start(dir, env, command);
    if (!s.process().waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      stop(s.process());
      throw new AssertionError(
          "still running after " + limit + ": " + String.join(" ", command) + "\n" + s.output());
    }
    return new Result(s.process().exitValue(), s.output(), List.of(command));
  }

  /** SIGTERM by PID, then SIGKILL after 10 s. */
  public static void stop(Process p) throws InterruptedException {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : started) {
      stop(p);
    }
  }
}
