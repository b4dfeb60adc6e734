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
import java.nio.file.attribute.PosixFilePermissions;
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
    return prepare(dataDir, conf, FirstRun.Ports.DEFAULT);
  }

  private static String prepare(Path dataDir, Optional<Path>[] conf, FirstRun.Ports ports) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      conf[0] = FirstRun.prepare(dataDir, out, ports, "./mqttls");
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Two ports that were free a moment ago, for a configuration that a test starts. */
  private static FirstRun.Ports freePorts() {
    int tls = Ports.freePort();
    int plain = Ports.freePort();
    while (plain == tls) {
      plain = Ports.freePort();
    }
    return new FirstRun.Ports(tls, plain);
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
        .contains("  ./mqttls sub -h localhost -p 8883 --cafile " + data.resolve("pki/ca.crt"))
        .contains("  ./mqttls pub -h localhost -p 8883 --cafile ")
        .contains("  ./mqttls pki --dir " + data.resolve("pki") + " device NAME")
        .contains("  ./mqttls pki --dir " + data.resolve("pki") + " export ca --format c-header")
        .doesNotContain("\n  mqttls ");

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
  void otherPorts_writtenToConfAndPrinted_andKeptBySecondRun() throws Exception {
    Path data = tmp.resolve("mqttls-data");
    String first = prepare(data, holder(), new FirstRun.Ports(18883, 11883));
    assertThat(Files.readString(data.resolve("mqttls.conf")))
        .contains("listener 11883 127.0.0.1\n", "listener 18883\n")
        .doesNotContain("listener 1883 ", "listener 8883\n");
    assertThat(first)
        .contains("TLS with client certificates on 18883, plain MQTT on 127.0.0.1:11883 only")
        .contains("mosquitto_sub -h localhost -p 18883 ", "./mqttls sub -h localhost -p 18883 ");
    // A later run prints the port of the file, whatever ports it is given.
    String second = prepare(data, holder(), FirstRun.Ports.DEFAULT);
    assertThat(second).contains("./mqttls pub -h localhost -p 18883 ").doesNotContain("-p 8883");
  }

  @Test
  void ports_parse() {
    assertThat(FirstRun.Ports.parse("18883, 11883")).isEqualTo(new FirstRun.Ports(18883, 11883));
    for (String bad : new String[] {"8883", "a,b", "8883,8883", "0,1883", "8883,1883,8883"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> FirstRun.Ports.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("port");
    }
  }

  /**
   * The written file says Debian's mosquitto runs it when started by the owner of the files. As
   * root this test makes {@code nobody} that owner; as any other user it is that owner already.
   */
  @Test
  void writtenConf_runsDebianMosquittoStartedByTheFilesOwner_printedLinesWorkAsPrinted()
      throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/mosquitto"))
            && Files.isExecutable(Path.of("/usr/bin/mosquitto_sub")),
        "mosquitto missing: run ./test.sh");
    boolean root = "root".equals(System.getProperty("user.name"));
    assumeTrue(
        !root || Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "setpriv (util-linux) missing: cannot start mosquitto as a non-root owner");
    Path data = tmp.resolve("mqttls-data");
    FirstRun.Ports ports = freePorts();
    String printed = prepare(data, holder(), ports);
    Path conf = loopbackOnly(data.resolve("mqttls.conf"), ports, "log_dest stderr\n");
    List<String> mosquitto = new ArrayList<>();
    if (root) {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
      run("chown", "-R", "nobody:nogroup", data.toString(), conf.toString());
      mosquitto.addAll(
          List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
    }
    mosquitto.addAll(List.of("/usr/sbin/mosquitto", "-c", conf.toString()));
    Process broker = start(tmp.resolve("mosquitto.log"), mosquitto.toArray(new String[0]));
    awaitPort(ports.tls(), broker, tmp.resolve("mosquitto.log"));

    assertPrintedLinesExchangeAMessage(
        line(printed, "  mosquitto_sub "), line(printed, "  mosquitto_pub "));
    assertThat(Files.readString(tmp.resolve("mosquitto.log"))).contains("u'example-device'");
  }

  /** What the file says to do as root: mosquitto with 'user root' added. */
  @Test
  void writtenConf_runsDebianMosquittoStartedAsRootWithUserRoot() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/mosquitto"))
            && Files.isExecutable(Path.of("/usr/bin/mosquitto_sub")),
        "mosquitto missing: run ./test.sh");
    assumeTrue("root".equals(System.getProperty("user.name")), "not root");
    Path data = tmp.resolve("mqttls-data");
    FirstRun.Ports ports = freePorts();
    String printed = prepare(data, holder(), ports);
    assertThat(Files.readString(data.resolve("mqttls.conf"))).contains("add 'user root' then");
    Path conf = loopbackOnly(data.resolve("mqttls.conf"), ports, "user root\nlog_dest stderr\n");
    Process broker =
        start(tmp.resolve("mosquitto.log"), "/usr/sbin/mosquitto", "-c", conf.toString());
    awaitPort(ports.tls(), broker, tmp.resolve("mosquitto.log"));
    assertPrintedLinesExchangeAMessage(
        line(printed, "  mosquitto_sub "), line(printed, "  mosquitto_pub "));
  }

  /** The written file with its TLS listener on 127.0.0.1 (tests listen on loopback only). */
  private Path loopbackOnly(Path written, FirstRun.Ports ports, String extra) throws IOException {
    String text = Files.readString(written);
    String tlsLine = "listener " + ports.tls() + "\n";
    assertThat(text).contains(tlsLine);
    Path conf = tmp.resolve("mosquitto.conf");
    // As the file says: mosquitto runs it once the http_* lines (mqttls's own) are deleted.
    assertThat(text).contains("\nhttp_listener " + ports.http() + " 127.0.0.1\n");
    text = text.replaceAll("(?m)^http_.*\n", "");
    Files.writeString(
        conf, text.replace(tlsLine, "listener " + ports.tls() + " 127.0.0.1\n") + extra);
    return conf;
  }

  private void run(String... command) throws Exception {
    Path out = tmp.resolve("cmd.out");
    Process p = start(out, command);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(out)).isZero();
  }

  @Test
  void printedMosquittoSubLine_worksAsPrinted_againstOurBrokerWithTheWrittenConf()
      throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/mosquitto_sub")),
        "mosquitto-clients missing: run ./test.sh");
    Path data = tmp.resolve("mqttls-data");
    FirstRun.Ports ports = freePorts();
    String printed = prepare(data, holder(), ports);
    Path conf = loopbackOnly(data.resolve("mqttls.conf"), ports, "");
    try (dev.mqttls.broker.Broker broker =
        dev.mqttls.broker.Broker.start(dev.mqttls.broker.BrokerConfig.parse(conf))) {
      assertPrintedLinesExchangeAMessage(
          line(printed, "  mosquitto_sub "), line(printed, "  mosquitto_pub "));
    }
  }

  /**
   * Runs the printed sub line and publishes with the printed pub line, both exactly as printed,
   * until the subscriber has its message (it may not be subscribed yet; at most 20 tries).
   */
  private void assertPrintedLinesExchangeAMessage(String subLine, String pubLine) throws Exception {
    Path subOut = tmp.resolve("sub.out");
    Process sub = start(subOut, "bash", "-c", "exec " + subLine.strip() + " -C 1 -W 20");
    for (int i = 0; i < 20 && sub.isAlive(); i++) {
      Path pubOut = tmp.resolve("pub" + i + ".out");
      Process pub = start(pubOut, "bash", "-c", "exec " + pubLine.strip());
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
