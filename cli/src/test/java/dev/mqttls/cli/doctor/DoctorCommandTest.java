package dev.mqttls.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.cli.Main;
import dev.mqttls.testing.MosquittoProcess;
import dev.mqttls.testing.Ports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code mqttls doctor} command line: rendering, JSON, exit codes. */
class DoctorCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void noUrlAndNoConfig_isAUsageError() {
    Run r = run("doctor");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("missing the broker (URL, -L URL or -h HOST) or --config FILE");
  }

  @Test
  void unknownProtocolVersion_isAUsageError() {
    Run r = run("doctor", "mqtt://127.0.0.1:1", "-V", "mqttv7");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("-V must be mqttv5, mqttv311 or mqttv31");
  }

  @Test
  void refusedPort_failsWithNamedCause() {
    int port = Ports.freePort();
    Run r = run("doctor", "mqtts://127.0.0.1:" + port, "--connect-timeout", "2");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("✘")
        .contains("[TCP_REFUSED]")
        .contains("refused the connection")
        .contains("Not working");
  }

  @Test
  void plainBroker_roundTrip_exitZero_andJson() {
    try (MosquittoProcess m = MosquittoProcess.start()) {
      Run text = run("doctor", "mqtt://127.0.0.1:" + m.port(), "--connect-timeout", "3");
      assertThat(text.code()).as(text.out()).isEqualTo(0);
      assertThat(text.out())
          .contains("✔")
          .contains("[MQTT_ROUND_TRIP]")
          .contains("All checks passed");
      Run json = run("doctor", "mqtt://127.0.0.1:" + m.port(), "--connect-timeout", "3", "--json");
      assertThat(json.code()).isEqualTo(0);
      assertThat(json.out())
          .startsWith("{\"target\":\"mqtt://127.0.0.1:" + m.port() + "\",\"passed\":true")
          .contains("\"code\":\"MQTT_ROUND_TRIP\"");
    }
  }

  @Test
  void plainBrokerGivenAsTls_exitOne() {
    try (MosquittoProcess m = MosquittoProcess.start()) {
      Run r = run("doctor", "mqtts://127.0.0.1:" + m.port(), "--connect-timeout", "3", "--json");
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out())
          .contains("\"passed\":false")
          .contains("\"code\":\"PORT_PLAIN_GIVEN_AS_TLS\"");
    }
  }

  @Test
  void config_brokenFile_exitOne_namesFileAndLine() throws IOException {
    Path conf = dir.resolve("broker.conf");
    Files.writeString(
        conf,
        "listener 8883\ncertfile "
            + dir.resolve("missing.crt")
            + "\nkeyfile "
            + dir.resolve("missing.key")
            + "\nuse_identity_as_username true\n");
    Run r = run("doctor", "--config", conf.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("broker.conf:2: certfile")
        .contains("[CONFIG_FILE_MISSING]")
        .contains("[CONFIG_IDENTITY_WITHOUT_REQUIRE_CERT]");
  }

  @Test
  void secTag_withoutCredentials_isAUsageError() throws IOException {
    Path store = Files.createDirectories(dir.resolve("store"));
    Run r =
        run("doctor", "mqtts://127.0.0.1:1", "--sec-tag", "42", "--sec-tag-dir", store.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("tag 42 holds no credentials");
  }

  @Test
  void secTag_caFromStore_isUsedForVerification() throws IOException {
    Path store = Files.createDirectories(dir.resolve("store"));
    String notACa = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    dev.mqttls.client.CredentialStore.open(store)
        .provision(7, dev.mqttls.client.CredentialType.CA_CERTIFICATE, notACa);
    int port = Ports.freePort();
    Run r =
        run(
            "doctor",
            "mqtts://127.0.0.1:" + port,
            "--sec-tag",
            "7",
            "--sec-tag-dir",
            store.toString(),
            "--json");
    assertThat(r.code()).isEqualTo(1);
    // The CA file from the tag is read before connecting: its bad content is named.
    assertThat(r.out()).contains("\"code\":\"CAFILE_UNREADABLE\"").contains("ca.pem");
  }

  @Test
  void urlAndConfigTogether_isAUsageError() throws IOException {
    Path conf = Files.writeString(dir.resolve("x.conf"), "listener 1883\n");
    Run r = run("doctor", "mqtts://127.0.0.1:1", "--config", conf.toString());
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void help_works_andShowsTheConnectionOptionsOfPubAndSub() {
    Run r = run("doctor", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("-h, --host=HOST")
        .contains("--tls-alpn=PROTOCOL")
        .contains("--tls-version=VERSION")
        .contains("-V, --protocol-version=VERSION")
        .contains("mqttv5 (default)")
        .doesNotContain("--tls12")
        .doesNotContain("--alpn=");
  }

  @Test
  void hostAndPortOptions_probeLikeAUrl_withMqtt5ByDefault_asPubAndSub() {
    try (MosquittoProcess m = MosquittoProcess.builder().line("log_type all").start()) {
      Run r =
          run(
              "doctor",
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(m.port()),
              "-i",
              "doc-v5",
              "--connect-timeout",
              "3",
              "--json");
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).startsWith("{\"target\":\"mqtt://127.0.0.1:" + m.port() + "\"");
      assertThat(m.awaitLog(l -> l.contains(" as doc-v5 (p5"), java.time.Duration.ofSeconds(5)))
          .isPresent();
      Run old =
          run("doctor", "-L", "mqtt://127.0.0.1:" + m.port(), "-V", "mqttv311", "-i", "doc-v4");
      assertThat(old.code()).as(old.out() + old.err()).isZero();
      assertThat(m.awaitLog(l -> l.contains(" as doc-v4 (p2"), java.time.Duration.ofSeconds(5)))
          .isPresent();
    }
  }

  @Test
  void tlsOptions_sharedSpellings_andTheOldOnesStillWork() {
    int port = Ports.freePort();
    String url = "mqtts://127.0.0.1:" + port;
    Run shared =
        run("doctor", url, "--tls-alpn", "mqtt", "--tls-version", "tlsv1.2", "--quick", "--json");
    Run old = run("doctor", url, "--alpn", "mqtt", "--tls12", "--quick", "--json");
    assertThat(shared.code()).isEqualTo(1);
    assertThat(old.code()).isEqualTo(1);
    // both spellings parse and reach the probe (a usage error would exit 2 with no report)
    assertThat(shared.out()).contains("\"code\":\"TCP_REFUSED\"");
    assertThat(old.out()).contains("\"code\":\"TCP_REFUSED\"");
  }

  @Test
  void optionsTheProbeCannotHonour_areRefusedByName() {
    Run capath = run("doctor", "mqtts://127.0.0.1:1", "--capath", dir.toString());
    assertThat(capath.code()).isEqualTo(2);
    assertThat(capath.err()).contains("doctor does not take --capath");
    Run v13 = run("doctor", "mqtts://127.0.0.1:1", "--tls-version", "tlsv1.3");
    assertThat(v13.code()).isEqualTo(2);
    assertThat(v13.err()).contains("--tls-version takes only tlsv1.2 here");
    Run missing = run("doctor", "mqtts://127.0.0.1:1", "--cafile", "/no/such/ca.crt");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo(
            "mqttls doctor: --cafile /no/such/ca.crt: no such file; check the path and spelling\n");
  }
}
