package dev.mqttls.cli.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.cli.broker.FirstRun;
import dev.mqttls.testing.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqttls broker} without {@code -c}: the data directory it prepares and what it prints. */
class FirstRunTest {
  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : started) {
      p.destroy(); // by PID (SIGTERM)
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static String prepare(Path dataDir, Optional<Path>[] conf) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      conf[0] = FirstRun.prepare(dataDir, out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // no generic array creation in Java
  private static Optional<Path>[] holder() {
    return new Optional[1];
  }

  @Test
  void freshDirectory_createsPkiAndConf_secondRunReusesEverything() throws Exception {
    Path data = tmp.resolve("mqttls-data");
    Optional<Path>[] conf = holder();
    String first = prepare(data, conf);
    assertThat(conf[0]).contains(data.resolve("mqttls.conf"));
    String text = Files.readString(data.resolve("mqttls.conf"));
    assertThat(text)
        .contains("listener 1883 127.0.0.1\n", "listener 8883\n", "require_certificate true\n")
        .contains("use_identity_as_username true\n")
        .contains("cafile " + data.toAbsolutePath().resolve("pki/ca.crt"))
        .contains("certfile " + data.toAbsolutePath().resolve("pki/certs/localhost.crt"))
        .contains("keyfile " + data.toAbsolutePath().resolve("pki/private/localhost.key"))
        .contains("crlfile " + data.toAbsolutePath().resolve("pki/crl.pem"));
    assertThat(first)
        .contains("first run")
        .contains(
            "mosquitto_sub -h localhost -p 8883 --cafile "
                + data.resolve("pki/ca.crt")
                + " --cert "
                + data.resolve("pki/certs/example-device.crt")
                + " --key "
                + data.resolve("pki/private/example-device.key")
                + " -t '#' -v")
        .contains("mqttls sub -h localhost -p 8883 --cafile ")
        .contains("mqttls pki --dir " + data.resolve("pki") + " device NAME");

    byte[] caKey = Files.readAllBytes(data.resolve("pki/ca.key"));
    byte[] server = Files.readAllBytes(data.resolve("pki/certs/localhost.crt"));
    byte[] confBytes = Files.readAllBytes(data.resolve("mqttls.conf"));
    String second = prepare(data, conf);
    assertThat(conf[0]).contains(data.resolve("mqttls.conf"));
    assertThat(second)
        .contains("using " + data.resolve("mqttls.conf"))
        .doesNotContain("first run: prepared");
    assertThat(second).contains("mosquitto_sub -h localhost -p 8883");
    assertThat(Files.readAllBytes(data.resolve("pki/ca.key"))).isEqualTo(caKey);
    assertThat(Files.readAllBytes(data.resolve("pki/certs/localhost.crt"))).isEqualTo(server);
    assertThat(Files.readAllBytes(data.resolve("mqttls.conf"))).isEqualTo(confBytes);
  }

  @Test
  void existingCaWithoutConf_isReused() throws Exception {
    Path data = tmp.resolve("data");
    assertThat(new PkiCli(data.resolve("pki")).run("init", "--name", "Mine").exit()).isZero();
    byte[] ca = Files.readAllBytes(data.resolve("pki/ca.crt"));
    String out = prepare(data, holder());
    assertThat(Files.readAllBytes(data.resolve("pki/ca.crt"))).isEqualTo(ca);
    assertThat(out).doesNotContain("the CA: brokers and devices trust it");
    assertThat(data.resolve("pki/certs/example-device.crt")).isRegularFile();
    assertThat(data.resolve("mqttls.conf")).isRegularFile();
  }

  @Test
  void printedMosquittoSubLine_worksAsPrinted_againstDebianMosquittoWithTheWrittenConf()
      throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/mosquitto"))
            && Files.isExecutable(Path.of("/usr/bin/mosquitto_sub")),
        "mosquitto missing: run ./test.sh");
    Path data = tmp.resolve("mqttls-data");
    String printed = prepare(data, holder());
    String subLine = line(printed, "  mosquitto_sub ");
    String pubLine = line(printed, "  mosquitto_pub ");

    // The written configuration as is, but on free ports (8883/1883 may be taken on this machine).
    int tls = Ports.freePort();
    int plain = Ports.freePort();
    String conf =
        Files.readString(data.resolve("mqttls.conf"))
                .replace("listener 1883 127.0.0.1", "listener " + plain + " 127.0.0.1")
                .replace("listener 8883\n", "listener " + tls + " 127.0.0.1\n")
            + "user root\nlog_dest stderr\nset_tcp_nodelay true\n";
    Path mosquittoConf = tmp.resolve("mosquitto.conf");
    Files.writeString(mosquittoConf, conf);
    Process broker =
        start(tmp.resolve("mosquitto.log"), "/usr/sbin/mosquitto", "-c", mosquittoConf.toString());
    awaitPort(tls, broker, tmp.resolve("mosquitto.log"));

    assertPrintedLinesExchangeAMessage(subLine, pubLine, tls);
    assertThat(Files.readString(tmp.resolve("mosquitto.log"))).contains("u'example-device'");
  }

  @Test
  void printedMosquittoSubLine_worksAsPrinted_againstOurBrokerWithTheWrittenConf()
      throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/mosquitto_sub")),
        "mosquitto-clients missing: run ./test.sh");
    Path data = tmp.resolve("mqttls-data");
    String printed = prepare(data, holder());
    String subLine = line(printed, "  mosquitto_sub ");
    String pubLine = line(printed, "  mosquitto_pub ");
    int tls = Ports.freePort();
    int plain = Ports.freePort();
    String conf =
        Files.readString(data.resolve("mqttls.conf"))
            .replace("listener 1883 127.0.0.1", "listener " + plain + " 127.0.0.1")
            .replace("listener 8883\n", "listener " + tls + " 127.0.0.1\n");
    try (dev.mqttls.broker.Broker broker =
        dev.mqttls.broker.Broker.start(
            dev.mqttls.broker.BrokerConfig.parse(conf, data.resolve("mqttls.conf")))) {
      assertPrintedLinesExchangeAMessage(subLine, pubLine, tls);
    }
  }

  /**
   * Runs the printed sub line and publishes with the printed pub line until the subscriber has its
   * message (it may not be subscribed yet; at most 20 tries), both moved to the broker's TLS port.
   */
  private void assertPrintedLinesExchangeAMessage(String subLine, String pubLine, int tls)
      throws Exception {
    String port = "-p " + FirstRun.TLS_PORT + " ";
    Path subOut = tmp.resolve("sub.out");
    Process sub =
        start(
            subOut,
            "bash",
            "-c",
            "exec " + subLine.strip().replace(port, "-p " + tls + " ") + " -C 1 -W 20");
    for (int i = 0; i < 20 && sub.isAlive(); i++) {
      Path pubOut = tmp.resolve("pub" + i + ".out");
      Process pub =
          start(pubOut, "bash", "-c", "exec " + pubLine.strip().replace(port, "-p " + tls + " "));
      assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(pub.exitValue()).as(Files.readString(pubOut)).isZero();
      sub.waitFor(500, TimeUnit.MILLISECONDS);
    }
    assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(subOut)).isEqualTo("hello world\n");
  }

  private static String line(String printed, String prefix) {
    return printed.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
  }

  private Process start(Path output, String... command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    started.add(p);
    return p;
  }

  private static void awaitPort(int port, Process broker, Path log) throws Exception {
    for (int i = 0; i < 100 && broker.isAlive(); i++) {
      if (Ports.accepts(port, Duration.ofMillis(200))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("mosquitto did not start:\n" + Files.readString(log));
  }
}
