package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoClients.Result;
import dev.mqttls.testing.MosquittoClients.Running;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code acl_file} with the same files on our broker and on Debian's Mosquitto, driven by
 * mosquitto_pub/sub and Paho v5. alice may read and write {@code allowed/#}; carol may read {@code
 * secret/#} and {@code allowed/#}; dave may only write {@code secret/#}; every client may use
 * {@code devices/<its client id>/#}.
 *
 * <p>Where the two differ, on purpose: Mosquitto 2.0.11 grants a SUBSCRIBE to a topic its ACL never
 * lets the client read (and then delivers nothing); we refuse it with SUBACK 0x87 (0x80 in 3.1.1),
 * so the client learns at once. Neither delivers a denied message.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthAclTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<String> VERSIONS = List.of("mqttv311", "mqttv5");

  @TempDir static Path dir;
  private Brokers brokers;

  @BeforeAll
  void files() throws Exception {
    assumeThat(MosquittoClients.isInstalled()).as("mosquitto-clients installed").isTrue();
    Path pw = dir.resolve("passwd");
    Files.writeString(
        pw,
        AuthPasswordTest.sixLine("alice", "alice-pw")
            + "\n"
            + AuthPasswordTest.sixLine("carol", "carol-pw")
            + "\n"
            + AuthPasswordTest.sixLine("dave", "dave-pw")
            + "\n");
    Path acl =
        Files.writeString(
            dir.resolve("acl"),
            """
            # alice publishes, carol watches
            user alice
            topic readwrite allowed/#

            user carol
            topic read secret/#
            topic read allowed/#

            user dave
            topic write secret/#

            pattern readwrite devices/%c/#
            """);
    brokers = new Brokers("allow_anonymous false", "password_file " + pw, "acl_file " + acl);
  }

  @AfterAll
  void stop() {
    if (brokers != null) {
      brokers.close();
    }
  }

  Object[] common(BrokerUnderTest b, String version, String user, Object... args) {
    List<Object> all =
        new ArrayList<>(
            List.of(
                "-h",
                "127.0.0.1",
                "-p",
                b.port(),
                "-V",
                version,
                "-d",
                "-u",
                user,
                "-P",
                user + "-pw"));
    all.addAll(List.of(args));
    return all.toArray();
  }

  List<Arguments> kindsAndVersions() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : Kind.values()) {
      for (String v : VERSIONS) {
        out.add(Arguments.of(k, v));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("kindsAndVersions")
  void deniedPublish_isNeverDelivered_allowedOneIs(Kind kind, String version) {
    BrokerUnderTest b = brokers.get(kind);
    try (Running carol =
        MosquittoClients.start(
            "mosquitto_sub",
            common(b, version, "carol", "-t", "secret/#", "-t", "allowed/#", "-q", 1, "-C", 1))) {
      carol.awaitOutput("Subscribed", WAIT);
      // alice has no write access to secret/#: refused (v5 PUBACK 0x87) or dropped (3.1.1)
      Result denied =
          MosquittoClients.run(
              WAIT,
              "mosquitto_pub",
              common(b, version, "alice", "-t", "secret/plans", "-q", 1, "-m", "leak"));
      if (version.equals("mqttv5")) {
        assertThat(denied.stdout() + denied.stderr()).contains("RC:135");
      } else {
        assertThat(denied.stdout()).contains("received PUBACK");
      }
      Result allowed =
          MosquittoClients.run(
              WAIT,
              "mosquitto_pub",
              common(b, version, "alice", "-t", "allowed/news", "-q", 1, "-m", "marker"));
      assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
      Result got = carol.awaitExit(WAIT);
      assertThat(got.exitCode()).as(got.toString()).isZero();
      // -C 1: the first message carol gets is the marker, so the leak was never delivered
      assertThat(payloads(got)).containsExactly("marker");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("kindsAndVersions")
  void deniedSubscribe_ourBrokerRefuses_neitherDelivers(Kind kind, String version) {
    BrokerUnderTest b = brokers.get(kind);
    try (Running alice =
        MosquittoClients.start(
            "mosquitto_sub",
            common(b, version, "alice", "-t", "secret/#", "-t", "allowed/#", "-q", 1, "-C", 1))) {
      String subscribed = alice.awaitOutput("Subscribed", WAIT);
      if (kind == Kind.MQTTLS) {
        // one SUBACK, the first filter refused, the second granted QoS 1
        assertThat(subscribed).contains(version.equals("mqttv5") ? "): 135, 1" : "): 128, 1");
      } else {
        assertThat(subscribed).contains("): 1, 1");
      }
      // dave may write secret/#, alice may not read it: it must not reach her on either broker
      Result leak =
          MosquittoClients.run(
              WAIT,
              "mosquitto_pub",
              common(b, version, "dave", "-t", "secret/plans", "-q", 1, "-m", "leak"));
      assertThat(leak.exitCode()).as(leak.toString()).isZero();
      Result marker =
          MosquittoClients.run(
              WAIT,
              "mosquitto_pub",
              common(b, version, "alice", "-t", "allowed/ping", "-q", 1, "-m", "marker"));
      assertThat(marker.exitCode()).as(marker.toString()).isZero();
      Result got = alice.awaitExit(WAIT);
      assertThat(payloads(got)).containsExactly("marker");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void pahoV5_deniedPublishGets0x87_deniedSubscribeGets0x87OnOurs(Kind kind) throws Exception {
    BrokerUnderTest b = brokers.get(kind);
    MqttAsyncClient c = new MqttAsyncClient(b.uri(), "acl-paho", new MemoryPersistence());
    try {
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setUserName("alice");
      o.setPassword("alice-pw".getBytes(StandardCharsets.UTF_8));
      o.setAutomaticReconnect(false);
      o.setConnectionTimeout(10);
      c.connect(o).waitForCompletion(WAIT.toMillis());

      assertThat(code(() -> c.publish("secret/x", message("no"))))
          .as("PUBACK to a denied topic")
          .isEqualTo(0x87);
      assertThat(code(() -> c.publish("allowed/x", message("yes")))).isIn(0x00, 0x10);
      // the client's own device topic, through the %c pattern
      assertThat(code(() -> c.publish("devices/acl-paho/state", message("on")))).isIn(0x00, 0x10);
      assertThat(code(() -> c.publish("devices/other/state", message("on")))).isEqualTo(0x87);

      int sub = code(() -> c.subscribe("secret/#", 1));
      if (kind == Kind.MQTTLS) {
        assertThat(sub).isEqualTo(0x87);
      } else {
        assertThat(sub).isEqualTo(1);
      }
      c.disconnect().waitForCompletion(WAIT.toMillis());
    } finally {
      c.close(true);
    }
  }

  private interface Call {
    IMqttToken run() throws MqttException;
  }

  /** The first reason code of the acknowledgement, whether Paho reports it or throws it. */
  private static int code(Call call) {
    try {
      IMqttToken t = call.run();
      t.waitForCompletion(WAIT.toMillis());
      int[] codes = t.getReasonCodes();
      return codes == null || codes.length == 0 ? 0 : codes[0];
    } catch (MqttException e) {
      return e.getReasonCode();
    }
  }

  private static MqttMessage message(String s) {
    MqttMessage m = new MqttMessage(s.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    return m;
  }

  private static List<String> payloads(Result result) {
    return result.stdoutLines().stream()
        .filter(line -> !line.startsWith("Client ") && !line.startsWith("Subscribed "))
        .filter(line -> !line.isBlank())
        .toList();
  }
}
