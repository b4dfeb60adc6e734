package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoClients.Result;
import dev.mqttls.testing.MosquittoClients.Running;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Debian's mosquitto_pub and mosquitto_sub against the broker, MQTT 3.1.1 and 5. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MosquittoToolsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<String> VERSIONS = List.of("mqttv31", "mqttv311", "mqttv5");

  private final Brokers brokers = new Brokers();

  @BeforeAll
  void peersInstalled() {
    assumeThat(MosquittoClients.isInstalled()).as("mosquitto-clients installed").isTrue();
  }

  @AfterAll
  void stopBrokers() {
    brokers.close();
  }

  Stream<Arguments> brokerVersionQos() {
    List<Arguments> out = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (String version : VERSIONS) {
        for (int qos = 0; qos <= 2; qos++) {
          out.add(Arguments.of(kind, version, qos));
        }
      }
    }
    return out.stream();
  }

  Stream<Arguments> brokerVersion() {
    List<Arguments> out = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (String version : VERSIONS) {
        out.add(Arguments.of(kind, version));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} QoS {2}")
  @MethodSource("brokerVersionQos")
  void pubAndSubExchangeMessages(Kind kind, String version, int qos) {
    BrokerUnderTest broker = brokers.get(kind);
    String topic = Brokers.unique("tools") + "/qos" + qos;
    try (Running sub = sub(broker, version, "-t", topic, "-q", qos, "-C", 3)) {
      sub.awaitOutput("SUBACK", WAIT);
      for (int i = 1; i <= 3; i++) {
        pub(broker, version, "-t", topic, "-q", qos, "-m", "msg-" + i);
      }
      Result result = sub.awaitExit(WAIT);
      assertThat(result.exitCode()).as(result.toString()).isZero();
      if (qos == 0) {
        // Three mosquitto_pub processes are three connections, and MQTT orders messages per
        // connection only (MQTT 5 section 4.6): at QoS 0 nothing ties msg-1's arrival to msg-2's.
        assertThat(payloads(result, "msg-")).containsExactlyInAnyOrder("msg-1", "msg-2", "msg-3");
      } else {
        // At QoS 1 and 2 each publisher waits for its acknowledgement before the next one starts.
        assertThat(payloads(result, "msg-")).containsExactly("msg-1", "msg-2", "msg-3");
      }
      // mosquitto_sub -d prints each PUBLISH's flags: the QoS granted end to end.
      assertThat(result.stdout()).contains("received PUBLISH (d0, q" + qos + ", r0");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("brokerVersion")
  void retainedMessageIsSetReplacedAndCleared(Kind kind, String version) {
    BrokerUnderTest broker = brokers.get(kind);
    String topic = Brokers.unique("tools") + "/retained";
    pub(broker, version, "-t", topic, "-q", 1, "-r", "-m", "first");
    pub(broker, version, "-t", topic, "-q", 1, "-r", "-m", "second");

    Result replaced = runSub(broker, version, "-t", topic, "-q", 1, "-C", 1);
    assertThat(payloads(replaced, "")).containsExactly("second");
    assertThat(replaced.stdout()).contains("r1");

    pub(broker, version, "-t", topic, "-q", 1, "-r", "-n");
    try (Running sub = sub(broker, version, "-t", topic, "-q", 1, "-C", 1)) {
      sub.awaitOutput("SUBACK", WAIT);
      pub(broker, version, "-t", topic, "-q", 1, "-m", "live");
      Result result = sub.awaitExit(WAIT);
      assertThat(result.exitCode()).as(result.toString()).isZero();
      // Had the clear not worked, "second" would have arrived first, right after the SUBACK.
      assertThat(payloads(result, "")).containsExactly("live");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("brokerVersion")
  void willIsPublishedWhenAClientDiesWithoutDisconnect(Kind kind, String version) {
    BrokerUnderTest broker = brokers.get(kind);
    String willTopic = Brokers.unique("tools") + "/will";
    try (Running watcher = sub(broker, version, "-t", willTopic, "-q", 1, "-C", 1);
        Running dying =
            sub(
                broker,
                version,
                "-t",
                willTopic + "/unused",
                "--will-topic",
                willTopic,
                "--will-payload",
                "gone",
                "--will-qos",
                1)) {
      watcher.awaitOutput("SUBACK", WAIT);
      dying.awaitOutput("SUBACK", WAIT);
      dying.kill();
      Result result = watcher.awaitExit(WAIT);
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(payloads(result, "")).containsExactly("gone");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("brokerVersion")
  void willIsNotPublishedAfterANormalDisconnect(Kind kind, String version) {
    BrokerUnderTest broker = brokers.get(kind);
    String willTopic = Brokers.unique("tools") + "/will";
    try (Running watcher = sub(broker, version, "-t", willTopic, "-q", 1, "-C", 1)) {
      watcher.awaitOutput("SUBACK", WAIT);
      // mosquitto_pub sends DISCONNECT after its message: the will must be discarded.
      pub(
          broker,
          version,
          "-t",
          willTopic + "/other",
          "-m",
          "x",
          "--will-topic",
          willTopic,
          "--will-payload",
          "wrong",
          "--will-qos",
          1);
      pub(broker, version, "-t", willTopic, "-q", 1, "-m", "marker");
      Result result = watcher.awaitExit(WAIT);
      assertThat(payloads(result, "")).containsExactly("marker");
    }
  }

  private static Running sub(BrokerUnderTest broker, String version, Object... args) {
    return MosquittoClients.start("mosquitto_sub", withCommon(broker, version, args, true));
  }

  private static Result runSub(BrokerUnderTest broker, String version, Object... args) {
    Result result =
        MosquittoClients.run(WAIT, "mosquitto_sub", withCommon(broker, version, args, true));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  private static void pub(BrokerUnderTest broker, String version, Object... args) {
    Result result =
        MosquittoClients.run(WAIT, "mosquitto_pub", withCommon(broker, version, args, false));
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  private static Object[] withCommon(
      BrokerUnderTest broker, String version, Object[] args, boolean debug) {
    List<Object> all = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", broker.port()));
    all.addAll(List.of("-V", version, "-k", 10));
    if (debug) {
      all.add("-d");
    }
    all.addAll(List.of(args));
    return all.toArray();
  }

  /** Payload lines of mosquitto_sub -d output: every line that is not one of its debug lines. */
  private static List<String> payloads(Result result, String prefix) {
    return result.stdoutLines().stream()
        .filter(line -> !line.startsWith("Client ") && !line.startsWith("Subscribed "))
        .filter(line -> line.startsWith(prefix))
        .toList();
  }
}
