package dev.mqttls.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine a run was measured on, for the report: figures from two machines are not comparable,
 * and neither are figures from one machine under different load.
 *
 * @param cpuModel the CPU's model name from {@code /proc/cpuinfo}
 * @param cores logical processors available to the JVM
 * @param kernel operating system name and kernel version
 * @param jvm the Java runtime's vendor and version
 * @param loadAverage the 1, 5 and 15 minute load averages when the run started
 */
public record Machine(String cpuModel, int cores, String kernel, String jvm, String loadAverage) {

  /** This machine, now. */
  public static Machine describe() {
    return new Machine(
        readCpuModel(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version"),
        readLoadAverage());
  }

  private static String readCpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII)) {
        if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the architecture is all we can say
    }
    return System.getProperty("os.arch");
  }

  private static String readLoadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
