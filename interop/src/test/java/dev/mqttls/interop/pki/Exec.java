package dev.mqttls.interop.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line tool (openssl, gcc, a compiled C program) to completion, bounded in time. */
final class Exec {
  private Exec() {}

  /** How it ended: exit code (-1 when killed at the timeout) and its merged output. */
  record Result(int exitCode, String output) {
    @Override
    public String toString() {
      return "exit " + exitCode + ":\n" + output;
    }
  }

  static Result run(Duration timeout, Path workDir, String... command) {
    return run(timeout, workDir, List.of(command));
  }

  static Result run(Duration timeout, Path workDir, List<String> command) {
    Process p;
    try {
      p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
              } catch (IOException ignored) {
                // The process died; what was read so far is the output.
              }
            },
            "exec-" + command.get(0));
    reader.setDaemon(true);
    reader.start();
    try {
      p.getOutputStream().close();
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
      reader.join(5000);
      synchronized (out) {
        return new Result(done ? p.exitValue() : -1, out.toString(StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  static boolean installed(String... paths) {
    for (String path : paths) {
      if (!Files.exists(Path.of(path))) {
        return false;
      }
    }
    return true;
  }

  static List<String> list(String... parts) {
    return new ArrayList<>(List.of(parts));
  }
}
