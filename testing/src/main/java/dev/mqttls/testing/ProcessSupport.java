package dev.mqttls.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Stopping test processes by PID and cleaning up after them. */
final class ProcessSupport {
  private ProcessSupport() {}

  /**
   * SIGTERM to this process (by its PID), then SIGKILL if it has not ended within {@code grace}.
   */
  static void stop(Process process, Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether the process {@code pid} still runs. An exited process whose parent has not reaped it
   * yet (a zombie, state Z in /proc) does not: a browser's main process, for one, is reparented to
   * the container's init when its driver stops, and that init may reap late.
   */
  static boolean running(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'.
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
    } catch (IOException e) {
      // No /proc entry: it is gone (or this is not Linux, where isAlive above is all we know).
      return !Files.isDirectory(Path.of("/proc/self"));
    }
  }

  static void deleteRecursively(Path directory) {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(ProcessSupport::deleteQuietly);
    } catch (IOException e) {
      // A leftover temporary directory is not worth failing a test over.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // See deleteRecursively.
    }
  }
}
