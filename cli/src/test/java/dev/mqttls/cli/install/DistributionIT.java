package dev.mqttls.cli.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mqttls.cli.TestProcesses;
import dev.mqttls.cli.TestProcesses.Result;
import dev.mqttls.cli.TestProcesses.Started;
import dev.mqttls.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code mqttls-VERSION.tar.gz} (failsafe runs this after {@code package}): unpacked
 * with tar, its layout and modes, its systemd unit under {@code systemd-analyze verify}, {@code
 * bin/mqttls install}, and a first run of {@code bin/mqttls broker} in an empty directory with an
 * empty HOME whose printed commands are then run exactly as printed.
 */
class DistributionIT {
  private static final Duration JVM = Duration.ofSeconds(60);

  /** The archive unpacked once for all tests (tests never write into it). */
  @TempDir static Path unpacked;

  private static Path home;

  @TempDir Path tmp;
  private TestProcesses processes;

  @BeforeAll
  static void unpack() throws Exception {
    String archive = System.getProperty("mqttls.dist");
    assumeTrue(archive != null, "mqttls.dist not set: run through mvn verify (failsafe)");
    Path into = Files.createDirectories(unpacked.resolve("archive"));
    try (TestProcesses tar = new TestProcesses(unpacked)) {
      Result r = tar.run(JVM, into, Map.of(), "tar", "-xzf", archive);
      assertThat(r.exit()).as(r.toString()).isZero();
    }
    home = into.resolve(System.getProperty("mqttls.dist.name"));
  }

  @BeforeEach
  void setUp() throws Exception {
    processes = new TestProcesses(Files.createDirectories(tmp.resolve("logs")));
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    if (processes != null) {
      processes.close();
    }
  }

  /** A clean environment: an empty HOME, no launcher of a parent build, no CA password. */
  private Map<String, String> cleanEnv() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    env.put(SelfCommand.LAUNCHER_ENV, null);
    env.put("MQTTLS_CA_PASSWORD", null);
    env.put("MQTTLS_JAVA_OPTS", null);
    return env;
  }

  @Test
  void archive_hasTheDocumentedLayoutAndModes() throws Exception {
    assertThat(home.getFileName().toString()).startsWith("mqttls-");
    for (String file :
        List.of(
            "bin/mqttls",
            "lib/mqttls.jar",
            "etc/mqttls.conf",
            "systemd/mqttls.service",
            "INSTALL.md",
            "share/bash-completion/completions/mqttls",
            "share/man/man1/mqttls.1",
            "share/man/man1/mqttls-broker.1",
            "share/man/man1/mqttls-pki-export.1",
            "share/man/man1/mqttls-sub.1",
            "share/man/man1/mqttls-install.1")) {
      assertThat(home.resolve(file)).as(file).isRegularFile();
    }
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("bin/mqttls"))))
        .isEqualTo("rwxr-xr-x");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("lib/mqttls.jar"))))
        .isEqualTo("rw-r--r--");
    try (Stream<Path> top = Files.list(home)) {
      assertThat(top.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("bin", "lib", "etc", "systemd", "share", "INSTALL.md");
    }
    try (Stream<Path> all = Files.list(home.getParent())) {
      assertThat(all.map(p -> p.getFileName().toString()))
          .as("everything in one top directory")
          .containsExactly(home.getFileName().toString());
    }
    String unit = Files.readString(home.resolve("systemd/mqttls.service"));
    assertThat(unit)
        .contains(
            "User=mqttls",
            "ExecStart=/usr/local/bin/mqttls broker -c /etc/mqttls/mqttls.conf",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "CapabilityBoundingSet=\n",
            "ReadWritePaths=/var/lib/mqttls");
    assertThat(Files.readString(home.resolve("INSTALL.md"))).contains("systemctl");
  }

  @Test
  void version_namesVersionCommitAndEngines() throws Exception {
    Result v = processes.run(JVM, tmp, cleanEnv(), home.resolve("bin/mqttls").toString(), "-V");
    assertThat(v.exit()).as(v.toString()).isZero();
    assertThat(v.output())
        .startsWith("mqttls " + home.getFileName().toString().substring("mqttls-".length()))
        .containsPattern("git commit [0-9a-f]{10}|git commit unknown")
        .contains("openssl  BoringSSL", "jdk      SunJSSE");
  }

  @Test
  void install_putsCommandManPagesAndCompletionUnderThePrefix_andTheUnitVerifies()
      throws Exception {
    Path prefix = tmp.resolve("prefix");
    Result install =
        processes.run(
            JVM,
            tmp,
            cleanEnv(),
            home.resolve("bin/mqttls").toString(),
            "install",
            "--prefix",
            prefix.toString());
    assertThat(install.exit()).as(install.toString()).isZero();
    assertThat(install.output())
        .contains("is not on your PATH", "export PATH=\"" + prefix + "/bin");
    assertThat(prefix.resolve("lib/mqttls/mqttls.jar"))
        .hasSameBinaryContentAs(home.resolve("lib/mqttls.jar"));
    assertThat(prefix.resolve("share/man/man1/mqttls-broker.1")).isRegularFile();

    Map<String, String> env = cleanEnv();
    env.put("PATH", prefix.resolve("bin") + ":" + System.getenv("PATH"));
    Result onPath = processes.run(JVM, tmp, env, "bash", "-c", "mqttls --version");
    assertThat(onPath.exit()).as(onPath.toString()).isZero();
    assertThat(onPath.output()).startsWith("mqttls ");

    // bash completion as bash-completion would call it: "mqttls pk<TAB>".
    Result complete =
        processes.run(
            JVM,
            tmp,
            env,
            "bash",
            "-c",
            "source "
                + prefix.resolve("share/bash-completion/completions/mqttls")
                + "; COMP_WORDS=(mqttls pk); COMP_CWORD=1; COMP_LINE='mqttls pk'; COMP_POINT=9;"
                + " _complete_mqttls 2>/dev/null; echo \"[${COMPREPLY[*]}]\"");
    assertThat(complete.output()).contains("[pki]");

    if (Files.isExecutable(Path.of("/usr/bin/man"))) {
      Result man =
          processes.run(
              JVM,
              tmp,
              Map.of("MANWIDTH", "100"),
              "man",
              "-l",
              prefix.resolve("share/man/man1/mqttls-broker.1").toString());
      assertThat(man.exit()).as(man.toString()).isZero();
      assertThat(man.output()).contains("MQTTLS-BROKER(1)", "--config-file=FILE", "EXIT STATUS");
    }

    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (!Files.isExecutable(analyze)) {
      System.out.println("DistributionIT: systemd-analyze not installed: unit not verified");
      assumeTrue(false, "systemd-analyze not installed: the unit file is not verified");
    }
    // The unit as shipped, with the command where this test installed it instead of /usr/local
    // (verify checks that ExecStart is executable and that man finds the Documentation page).
    Path unit = tmp.resolve("mqttls.service");
    Files.writeString(
        unit,
        Files.readString(home.resolve("systemd/mqttls.service"))
            .replace("/usr/local/bin/mqttls", prefix.resolve("bin/mqttls").toString()));
    Map<String, String> manEnv = new HashMap<>();
    manEnv.put("MANPATH", prefix.resolve("share/man") + ":");
    Result verify = processes.run(JVM, tmp, manEnv, analyze.toString(), "verify", unit.toString());
    assertThat(verify.exit()).as(verify.toString()).isZero();
    assertThat(verify.output()).isEmpty();
  }

  @Test
  void brokerFirstRun_fromTheUnpackedArchive_printedCommandsWorkAsPrinted() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    FirstRunPorts ports = FirstRunPorts.free();
    Started broker =
        processes.start(
            work,
            cleanEnv(),
            home.resolve("bin/mqttls").toString(),
            "broker",
            "--first-run-ports",
            ports.tls + "," + ports.plain);
    assertThat(broker.awaitOutput("TLS engine", JVM)).as(broker.output()).isTrue();
    String printed = broker.output();
    assertThat(printed)
        .contains("first run: prepared mqttls-data")
        .contains("  " + home.resolve("bin/mqttls") + " sub -h localhost -p " + ports.tls + " ");
    assertThat(work.resolve("mqttls-data/pki/ca.crt")).isRegularFile();
    assertThat(Files.list(tmp.resolve("home"))).isEmpty();

    assertPrintedSubAndPubExchange(
        broker,
        printed,
        home.resolve("bin/mqttls") + " sub ",
        home.resolve("bin/mqttls") + " pub ",
        work,
        cleanEnv());
    // The printed mosquitto_sub/pub lines are run against this file in FirstRunTest.

    // The words: our own generated file lints clean.
    Result lint =
        processes.run(
            JVM,
            work,
            cleanEnv(),
            home.resolve("bin/mqttls").toString(),
            "doctor",
            "--config",
            "mqttls-data/mqttls.conf");
    assertThat(lint.exit()).as(lint.toString()).isZero();

    TestProcesses.stop(broker.process());
    assertThat(broker.process().exitValue()).isIn(0, 143);
  }

  @Test
  void brokerFirstRun_startedAsMqttlsFromPath_printsMqttls() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("usr/local/bin"));
    Files.createSymbolicLink(bin.resolve("mqttls"), home.resolve("bin/mqttls"));
    Map<String, String> env = cleanEnv();
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    Path work = Files.createDirectories(tmp.resolve("work"));
    FirstRunPorts ports = FirstRunPorts.free();
    Started broker =
        processes.start(
            work,
            env,
            "bash",
            "-c",
            "exec mqttls broker --first-run-ports " + ports.tls + "," + ports.plain);
    assertThat(broker.awaitOutput("TLS engine", JVM)).as(broker.output()).isTrue();
    String printed = broker.output();
    assertThat(printed).contains("  mqttls sub -h localhost", "  mqttls pki device NAME");
    // The full exchange is the test above; here the printed publish, as printed, is accepted.
    String pubLine = line(printed, "  mqttls pub ");
    Result pub = processes.run(JVM, work, env, "bash", "-c", "exec " + pubLine);
    assertThat(pub.exit()).as(pub.toString()).isZero();
    TestProcesses.stop(broker.process());
  }

  /**
   * etc/mqttls.conf after the pki commands its comments give (run as they read, in a temporary
   * directory instead of /var/lib/mqttls and on a free loopback port instead of 8883) runs the
   * broker, and the device certificate those commands made connects with mosquitto_sub/pub.
   */
  @Test
  void exampleConf_afterItsPkiCommands_runsTheBroker() throws Exception {
    Path state = Files.createDirectories(tmp.resolve("state"));
    String conf = Files.readString(home.resolve("etc/mqttls.conf"));
    List<String> commands =
        conf.lines()
            .filter(l -> l.startsWith("#   sudo -u mqttls mqttls pki "))
            .map(l -> l.substring("#   sudo -u mqttls ".length()))
            .toList();
    assertThat(commands).hasSize(3);
    Map<String, String> env = cleanEnv();
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("mqttls"), home.resolve("bin/mqttls"));
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    for (String command : commands) {
      Result r =
          processes.run(
              JVM, tmp, env, "bash", "-c", command.replace("/var/lib/mqttls", state.toString()));
      assertThat(r.exit()).as(r.toString()).isZero();
    }
    int port = Ports.freePort();
    assertThat(conf).contains("\nlistener 8883\n");
    Path local = tmp.resolve("mqttls.conf");
    Files.writeString(
        local,
        conf.replace("/var/lib/mqttls", state.toString())
            .replace("\nlistener 8883\n", "\nlistener " + port + " 127.0.0.1\n"));
    Result lint =
        processes.run(JVM, tmp, env, "bash", "-c", "exec mqttls doctor --config " + local);
    assertThat(lint.exit()).as(lint.toString()).isZero();
    assertThat(lint.output()).contains("All checks passed");
    Started broker = processes.start(tmp, env, "bash", "-c", "exec mqttls broker -c " + local);
    assertThat(broker.awaitOutput("broker running", JVM)).as(broker.output()).isTrue();
    assertThat(broker.output()).contains("Persistence store opened in " + state.resolve("data"));
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/mosquitto_sub")), "mosquitto-clients missing");
    String tls =
        "-h localhost -p "
            + port
            + " --cafile "
            + state.resolve("pki/ca.crt")
            + " --cert "
            + state.resolve("pki/certs/sensor-1.crt")
            + " --key "
            + state.resolve("pki/private/sensor-1.key");
    assertPrintedSubAndPubExchange(
        broker,
        "  mosquitto_sub " + tls + " -t '#' -v\n  mosquitto_pub " + tls + " -t hello -m world\n",
        "mosquitto_sub ",
        "mosquitto_pub ",
        tmp,
        env);
    TestProcesses.stop(broker.process());
  }

  /**
   * Runs the printed subscribe line (with -C 1 -W 30 added) and publishes with the printed publish
   * line, each exactly as printed, until the subscriber has the message (at most 15 publishes).
   */
  private void assertPrintedSubAndPubExchange(
      Started broker, String printed, String sub, String pub, Path work, Map<String, String> env)
      throws Exception {
    String subLine = line(printed, "  " + sub);
    String pubLine = line(printed, "  " + pub);
    int connected = count(broker.output(), "New client connected");
    Started subscriber =
        processes.start(work, env, "bash", "-c", "exec " + subLine + " -C 1 -W 30");
    // Its SUBSCRIBE follows its CONNECT at once, and a publisher's JVM takes longer to start than
    // that; the publishing loop below still covers a slow subscriber.
    for (int i = 0;
        i < 300
            && subscriber.process().isAlive()
            && count(broker.output(), "New client connected") == connected;
        i++) {
      subscriber.process().waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    for (int i = 0; i < 15 && subscriber.process().isAlive(); i++) {
      Result p = processes.run(JVM, work, env, "bash", "-c", "exec " + pubLine);
      assertThat(p.exit()).as(p.toString()).isZero();
      subscriber.awaitOutput("hello world", Duration.ofSeconds(1));
    }
    assertThat(subscriber.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(subscriber.output()).as(subLine).contains("hello world");
    assertThat(subscriber.process().exitValue()).as(subscriber.output()).isZero();
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static String line(String printed, String prefix) {
    return printed
        .lines()
        .filter(l -> l.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in\n" + printed))
        .strip();
  }

  /** Two ports that were free a moment ago. */
  private record FirstRunPorts(int tls, int plain) {
    static FirstRunPorts free() {
      int tls = Ports.freePort();
      int plain = Ports.freePort();
      for (int i = 0; i < 10 && plain == tls; i++) {
        plain = Ports.freePort();
      }
      return new FirstRunPorts(tls, plain);
    }
  }
}
