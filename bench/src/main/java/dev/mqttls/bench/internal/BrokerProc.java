package dev.mqttls.bench.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The broker process as Linux's {@code /proc} shows it: CPU time (user + system) and resident
 * memory. A reading that cannot be taken (no such process, not Linux) is empty, never an error: the
 * scenario still runs and reports no CPU figure.
 */
final class BrokerProc {
  // USER_HZ, the unit of utime/stime: 100 on every Linux architecture the JVM runs on.
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final Optional<Long> pid;

  BrokerProc(Optional<Long> pid) {
    this.pid = pid;
  }

  boolean known() {
    return pid.isPresent();
  }

  /** utime + stime of every thread of the process, in nanoseconds. */
  OptionalLong cpuNanos() {
    if (pid.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      String stat =
          Files.readString(Path.of("/proc/" + pid.get() + "/stat"), StandardCharsets.US_ASCII);
      // the command name (field 2) may hold spaces: fields are counted after its ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return OptionalLong.of((Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** VmRSS in KiB. */
  OptionalLong rssKib() {
    if (pid.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      for (String line :
          Files.readAllLines(
              Path.of("/proc/" + pid.get() + "/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return OptionalLong.empty();
  }
}
