package dev.mqttls.tls.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Polls a listener's files (size, modification time, inode) and calls back once a change has been
 * stable for one poll, so a certificate written in two steps (key, then cert) is read once both are
 * in place. Polling rather than a WatchService: it sees atomic renames, symlink swaps (Kubernetes
 * secrets) and files on network mounts alike, at the cost of a second's latency.
 */
public final class MaterialWatcher implements AutoCloseable {
  /** Poll period; tests may lower it with the system property {@code mqttls.tls.watchMillis}. */
  static final long PERIOD_MILLIS = Long.getLong("mqttls.tls.watchMillis", 1000L);

  private final List<Path> files;
  private final Runnable onChange;
  private final Runnable everyPoll;
  private final ScheduledExecutorService timer;
  private List<String> last;
  private List<String> pending;

  /**
   * Watches {@code files} (directories: their entries) and runs {@code onChange} on changes, and
   * {@code everyPoll} on every poll (for time-based checks such as an expiring CRL).
   */
  public MaterialWatcher(
      String listenerName, List<Path> files, Runnable onChange, Runnable everyPoll) {
    this.everyPoll = everyPoll;
    this.files = List.copyOf(files);
    this.onChange = onChange;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mqttls-tls-watch-" + listenerName);
              t.setDaemon(true);
              return t;
            });
  }

  /** Takes the current state as the baseline and starts polling. */
  public void start() {
    last = snapshot();
    timer.scheduleWithFixedDelay(this::poll, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      everyPoll.run();
      List<String> now = snapshot();
      if (now.equals(last)) {
        pending = null;
        return;
      }
      if (!now.equals(pending)) {
        pending = now; // changed since the last poll: wait until it holds still
        return;
      }
      last = now;
      pending = null;
      onChange.run();
    } catch (RuntimeException e) {
      // The watcher must survive anything a reload throws; the reload logs its own failures.
    }
  }

  private List<String> snapshot() {
    List<String> out = new ArrayList<>();
    for (Path p : files) {
      out.add(stamp(p));
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.sorted().forEach(e -> out.add(stamp(e)));
        } catch (IOException e) {
          out.add(p + ":unlistable");
        }
      }
    }
    return out;
  }

  private static String stamp(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return p
          + ":"
          + a.size()
          + ":"
          + a.lastModifiedTime().toMillis()
          + ":"
          + Objects.toString(a.fileKey());
    } catch (IOException e) {
      return p + ":missing";
    }
  }

  /** Stops polling. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
