package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.conf.Catalogue;
import dev.mqttls.conf.DirectiveSpec;
import dev.mqttls.testing.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue's mosquitto directives are mosquitto's: Debian's mosquitto reads each of them
 * without "Unknown configuration variable", and refuses mqttls's own directives and a made-up name
 * with it. (Whether mosquitto then starts, or stops for a missing file, does not matter here.)
 */
class MosquittoKnowsTheCatalogueTest {
  private static final String UNKNOWN = "Unknown configuration variable";

  @TempDir Path dir;

  @Test
  void everyMosquittoDirectiveOfTheCatalogue_isKnownToMosquitto_andOursAreNot() throws Exception {
    List<String> wrong = new ArrayList<>();
    int n = 0;
    for (DirectiveSpec s : Catalogue.all()) {
      String name = s.name().replace("*", "key");
      String output = runMosquitto(n++, name + " " + s.example());
      boolean unknownToMosquitto = output.contains(UNKNOWN);
      if (s.meaning().contains("(since mosquitto 2.1)")) {
        continue; // Debian's is 2.0
      }
      if (unknownToMosquitto == s.mosquitto()) {
        wrong.add(
            name
                + (s.mosquitto() ? ": mosquitto does not know it: " : ": mosquitto knows it: ")
                + output.strip());
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(runMosquitto(n, "bogus_directive 1")).contains(UNKNOWN);
  }

  /** Runs mosquitto on a file with a free loopback listener and {@code line}; its output. */
  private String runMosquitto(int n, String line) throws IOException, InterruptedException {
    Path conf = dir.resolve("m" + n + ".conf");
    Files.writeString(
        conf,
        "log_dest stderr\nlog_type error\nlog_type information\nlistener "
            + Ports.freePort()
            + " 127.0.0.1\n"
            + line
            + "\n",
        StandardCharsets.UTF_8);
    Path out = dir.resolve("m" + n + ".out");
    Process p =
        new ProcessBuilder("mosquitto", "-c", conf.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      // Parsing stops at once on an unknown name; a known one either stops on its value or
      // starts the broker, which says so.
      for (int i = 0; i < 60 && p.isAlive(); i++) {
        if (Files.readString(out, StandardCharsets.UTF_8).contains("running")) {
          break;
        }
        p.waitFor(50, TimeUnit.MILLISECONDS);
      }
    } finally {
      p.destroy(); // by PID (SIGTERM)
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
