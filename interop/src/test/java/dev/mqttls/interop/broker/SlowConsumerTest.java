package dev.mqttls.interop.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mqttls.interop.broker.BrokerUnderTest.Kind;
import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.MosquittoClients;
import dev.mqttls.testing.MosquittoClients.Result;
import dev.mqttls.testing.MosquittoClients.Running;
import dev.mqttls.testing.MqttBytes;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A subscriber to {@code #} that never reads its socket must not stall a publisher that also feeds
 * a healthy subscriber (issue 12 item 1): {@code mosquitto_pub -q 1 -l} of 10,000 lines of 1 KiB
 * completes, the healthy subscriber gets all 10,000, and ours says once, naming the client, that
 * messages are dropped for the slow one. Against Mosquitto too, side by side.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowConsumerTest {
  static final int MESSAGES = 10_000;
  static final Duration PUBLISH_BOUND = Duration.ofSeconds(60);

  private final Brokers brokers = new Brokers();

  @TempDir Path dir;

  @BeforeAll
  void peersInstalled() {
    assumeThat(MosquittoClients.isInstalled()).as("mosquitto-clients installed").isTrue();
  }

  @AfterAll
  void stopBrokers() {
    brokers.close();
  }

  Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      // keep-alive 0: the slow client is never closed for silence, so only flow control helps
      out.add(Arguments.of(kind, 0, 0));
      out.add(Arguments.of(kind, 60, 1));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} keep-alive {1} slow subscriber QoS {2}")
  @MethodSource("cases")
  void neverReadingSubscriber_doesNotStallThePublisher(Kind kind, int keepAlive, int slowQos)
      throws Exception {
    BrokerUnderTest broker = brokers.get(kind);
    String topic = Brokers.unique("flood") + "/data";
    String slowId = Brokers.unique("slow");
    Path lines = dir.resolve("lines.txt");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < MESSAGES; i++) {
      String head = String.format(java.util.Locale.ROOT, "%05d:", i);
      b.append(head).append("x".repeat(1023 - head.length())).append('\n');
    }
    Files.writeString(lines, b.toString(), StandardCharsets.US_ASCII);
    long mark = broker.log().map(LogCapture::mark).orElse(0L);

    try (Socket slow = slowSubscriber(broker.port(), slowId, keepAlive, slowQos);
        Running healthy =
            MosquittoClients.start(
                "mosquitto_sub",
                "-h",
                "127.0.0.1",
                "-p",
                broker.port(),
                "-d",
                "-q",
                1,
                "-t",
                topic,
                "-C",
                MESSAGES,
                "-F",
                "%t")) {
      healthy.awaitOutput("SUBACK", Duration.ofSeconds(10));
      long start = System.nanoTime();
      Result pub;
      try (Running p =
          MosquittoClients.startWithInput(
              lines,
              "mosquitto_pub",
              "-h",
              "127.0.0.1",
              "-p",
              broker.port(),
              "-q",
              1,
              "-l",
              "-t",
              topic)) {
        pub = p.awaitExit(PUBLISH_BOUND);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Result sub = healthy.awaitExit(Duration.ofSeconds(30));
      long received = sub.stdoutLines().stream().filter(topic::equals).count();
      // The figure the issue asks for, side by side in one run.
      org.slf4j.LoggerFactory.getLogger(SlowConsumerTest.class)
          .info(
              "{} keep-alive {} slow QoS {}: publisher {} s ({}), healthy subscriber {} of {}",
              kind,
              keepAlive,
              slowQos,
              String.format(java.util.Locale.ROOT, "%.2f", seconds),
              pub.timedOut() ? "killed at the bound" : "exit " + pub.exitCode(),
              received,
              MESSAGES);
      assertThat(pub.timedOut()).as("publisher finished within " + PUBLISH_BOUND).isFalse();
      assertThat(pub.exitCode()).as(pub.toString()).isZero();
      if (kind == Kind.MQTTLS) {
        assertThat(received).as("healthy subscriber").isEqualTo(MESSAGES);
      } else {
        // Mosquitto never holds a publisher: when 10,000 arrive faster than the healthy QoS 1
        // subscriber acknowledges, its queue (20 in flight + 1000 queued) overflows too, and
        // some runs lose a few hundred there. Ours holds the publisher for a client that
        // acknowledges, so it is held to all 10,000; Mosquitto's figure is only reported.
        assertThat(received).as("healthy subscriber (Mosquitto)").isPositive();
      }
      assertThat(slow.isClosed()).isFalse();
      if (broker.log().isPresent()) {
        List<String> said =
            broker.log().get().linesSince(mark).stream()
                .filter(l -> l.contains(slowId) && l.contains("not keeping up"))
                .toList();
        assertThat(said).as("one line per episode, naming the client").hasSize(1);
      }
    }
  }

  /**
   * A 3.1.1 client with a tiny receive buffer that subscribes to {@code #}, reads its CONNACK and
   * SUBACK, and nothing after.
   */
  static Socket slowSubscriber(int port, String clientId, int keepAlive, int qos)
      throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(2048);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    ByteArrayOutputStream connect = new ByteArrayOutputStream();
    connect.writeBytes(MqttBytes.utf8("MQTT"));
    connect.write(MqttBytes.V311);
    connect.write(0x02);
    connect.write(keepAlive >> 8);
    connect.write(keepAlive & 0xff);
    connect.writeBytes(MqttBytes.utf8(clientId));
    out.write(MqttBytes.frame(0x10, connect.toByteArray()));
    ByteArrayOutputStream subscribe = new ByteArrayOutputStream();
    subscribe.write(0);
    subscribe.write(1);
    subscribe.writeBytes(MqttBytes.utf8("#"));
    subscribe.write(qos);
    out.write(MqttBytes.frame(0x82, subscribe.toByteArray()));
    out.flush();
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] connack = new byte[4];
    in.readFully(connack);
    assertThat(connack[0]).as("CONNACK").isEqualTo((byte) 0x20);
    byte[] suback = new byte[5];
    in.readFully(suback);
    assertThat(suback[0]).as("SUBACK").isEqualTo((byte) 0x90);
    return s;
  }
}
