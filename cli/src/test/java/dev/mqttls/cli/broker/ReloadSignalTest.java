package dev.mqttls.cli.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.testing.pki.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqttls broker} in its own JVM, as an operator runs it, answering SIGHUP. */
class ReloadSignalTest {
  private static final Duration WAIT = Duration.ofSeconds(40);

  @TempDir Path dir;

  @Test
  void sighup_rereadsTlsMaterial_andKeepsServing() throws Exception {
    TestPki pki = TestPki.create(dir.resolve("pki"));
    Path conf = dir.resolve("mqttls.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "listener 0 127.0.0.1",
            "cafile " + pki.caFile(),
            "certfile " + pki.serverCert(),
            "keyfile " + pki.serverKey(),
            "require_certificate true",
            ""));
    Path log = dir.resolve("broker.log");
    Process broker =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.mqttls.cli.Main",
                "broker",
                "-c",
                conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      // Only once the handler is installed: before that, SIGHUP ends the JVM (as for any process).
      awaitLine(log, "mqttls broker running (pid", broker);
      Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(broker.pid())).start();
      assertThat(hup.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(hup.exitValue()).isZero();

      awaitLine(log, "SIGHUP: re-reading TLS certificates, keys and CRLs", broker);
      awaitLine(log, "TLS material reloaded", broker);
      assertThat(broker.isAlive()).as("the broker keeps running after SIGHUP").isTrue();
    } finally {
      broker.destroy();
      if (!broker.waitFor(20, TimeUnit.SECONDS)) {
        broker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static void awaitLine(Path log, String text, Process broker)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (lines.stream().anyMatch(l -> l.contains(text))) {
        return;
      }
      if (!broker.isAlive()) {
        break;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "no line containing '" + text + "' in the broker's output:\n" + Files.readString(log));
  }
}
