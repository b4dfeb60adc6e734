package dev.mqttls.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MosquittoProcessTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @BeforeAll
  static void peersInstalled() {
    // test.sh installs them; running the module's tests elsewhere says why they were skipped.
    assumeThat(MosquittoProcess.isInstalled()).as("Debian mosquitto installed").isTrue();
    assumeThat(MosquittoClients.isInstalled()).as("Debian mosquitto-clients installed").isTrue();
  }

  @Test
  void startsOnLoopbackAnswersConnectAndStopsByPid() {
    long pid;
    MosquittoProcess mosquitto = MosquittoProcess.start("max_keepalive 100");
    try (mosquitto) {
      pid = mosquitto.pid();
      assertThat(mosquitto.isAlive()).isTrue();
      try (ScriptedClient client = ScriptedClient.connect(mosquitto.port())) {
        client.send(MqttBytes.connectV5("fixture-check", 10, true));
        RawPacket connack = client.awaitPacket(WAIT);
        assertThat(connack.type()).isEqualTo(RawPacket.CONNACK);
        assertThat(connack.reasonCode()).isZero();
      }
      assertThat(mosquitto.awaitLog("fixture-check", WAIT)).isPresent();
    }
    assertThat(mosquitto.isAlive()).isFalse();
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(mosquitto.directory()).doesNotExist();
  }

  @Test
  void badConfigurationFailsWithMosquittosOwnMessage() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> MosquittoProcess.start("no_such_directive 1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no_such_directive");
  }

  @Test
  void pubAndSubExchangeAMessage() {
    try (MosquittoProcess mosquitto = MosquittoProcess.start();
        MosquittoClients.Running sub =
            MosquittoClients.start(
                "mosquitto_sub",
                "-h",
                "127.0.0.1",
                "-p",
                mosquitto.port(),
                "-t",
                "fixture/t",
                "-C",
                "1",
                "-q",
                "1",
                "-d")) {
      sub.awaitOutput("SUBACK", WAIT);
      MosquittoClients.Result pub =
          MosquittoClients.run(
              WAIT,
              "mosquitto_pub",
              "-h",
              "127.0.0.1",
              "-p",
              mosquitto.port(),
              "-t",
              "fixture/t",
              "-m",
              "hello",
              "-q",
              "1");
      assertThat(pub.exitCode()).as(pub.toString()).isZero();
      MosquittoClients.Result result = sub.awaitExit(WAIT);
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdoutLines()).contains("hello");
    }
  }

  @Test
  void clientKilledAtTimeout() {
    try (MosquittoProcess mosquitto = MosquittoProcess.start()) {
      MosquittoClients.Result result =
          MosquittoClients.run(
              Duration.ofMillis(500),
              "mosquitto_sub",
              "-h",
              "127.0.0.1",
              "-p",
              mosquitto.port(),
              "-t",
              "never");
      assertThat(result.timedOut()).isTrue();
      assertThat(result.exitCode()).isEqualTo(-1);
    }
  }
}
