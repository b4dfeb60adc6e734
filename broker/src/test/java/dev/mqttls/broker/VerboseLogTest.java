package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrec;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.ReasonCode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code mqttls broker -v} (the packet logger at DEBUG): each packet in and out is one line worded
 * as {@code mosquitto -v} words it, and no line carries a payload.
 */
class VerboseLogTest {
  private static final String SECRET = "payload-that-must-not-be-logged";
  private final Logger packetLogger = (Logger) LoggerFactory.getLogger("dev.mqttls.broker.packet");
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private Level before;

  @BeforeEach
  void capture() {
    before = packetLogger.getLevel();
    packetLogger.setLevel(Level.DEBUG);
    log.start();
    packetLogger.addAppender(log);
  }

  @AfterEach
  void release() {
    packetLogger.detachAppender(log);
    packetLogger.setLevel(before);
  }

  private List<String> lines() {
    synchronized (log) {
      return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private void awaitLine(String text) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (int i = 0; i < 1000 && System.nanoTime() < deadline; i++) {
      if (lines().contains(text)) {
        return;
      }
      Thread.sleep(10);
    }
    assertThat(lines()).contains(text);
  }

  @Test
  void verbose_logsEveryPacketAsMosquittoDoes_neverThePayload() throws Exception {
    try (Broker broker = Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").build());
        TestClient sub = TestClient.connect(broker.address(0), MqttVersion.V5, "subber");
        TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "pubber")) {
      sub.subscribe(1, "a/#", 2);
      pub.publish("a/b", SECRET, 1, 3, false);
      assertThat(pub.expect(Puback.class).packetId()).isEqualTo(3);
      Publish got = sub.expect(Publish.class);
      sub.send(new Puback(got.packetId(), ReasonCode.SUCCESS, MqttProperties.EMPTY));
      got.release();
      pub.publish("a/c", SECRET, 2, 4, true);
      pub.expect(Pubrec.class);
      pub.send(new Pubrel(4, ReasonCode.SUCCESS, MqttProperties.EMPTY));
      pub.expect(Pubcomp.class);
      Publish q2 = sub.expect(Publish.class);
      sub.send(new Pubrec(q2.packetId(), ReasonCode.SUCCESS, MqttProperties.EMPTY));
      sub.expect(Pubrel.class);
      sub.send(new Pubcomp(q2.packetId(), ReasonCode.SUCCESS, MqttProperties.EMPTY));
      q2.release();
      awaitLine("Received PUBCOMP from subber (Mid: 2, RC:0)");
    }
    int bytes = SECRET.length();
    assertThat(lines())
        .contains(
            "Sending CONNACK to subber (0, 0)",
            "Received SUBSCRIBE from subber",
            "\ta/# (QoS 2)",
            "Sending SUBACK to subber",
            "Received PUBLISH from pubber (d0, q1, r0, m3, 'a/b', ... (" + bytes + " bytes))",
            "Sending PUBLISH to subber (d0, q1, r0, m1, 'a/b', ... (" + bytes + " bytes))",
            "Sending PUBACK to pubber (m3, rc0)",
            "Received PUBACK from subber (Mid: 1, RC:0)",
            "Received PUBLISH from pubber (d0, q2, r1, m4, 'a/c', ... (" + bytes + " bytes))",
            "Sending PUBREC to pubber (m4, rc0)",
            "Received PUBREL from pubber (Mid: 4)",
            "Sending PUBCOMP to pubber (m4)",
            "Sending PUBLISH to subber (d0, q2, r0, m2, 'a/c', ... (" + bytes + " bytes))",
            "Received PUBREC from subber (Mid: 2)",
            "Sending PUBREL to subber (m2)",
            "Received PUBCOMP from subber (Mid: 2, RC:0)")
        .noneSatisfy(l -> assertThat(l).contains(SECRET));
  }

  @Test
  void notVerbose_logsNoPacket() throws Exception {
    packetLogger.setLevel(Level.INFO);
    try (Broker broker = Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").build());
        TestClient pub = TestClient.connect(broker.address(0), MqttVersion.V5, "quiet")) {
      pub.publish("a/b", SECRET, 1, 1, false);
      pub.expect(Puback.class);
    }
    assertThat(lines()).isEmpty();
  }
}
