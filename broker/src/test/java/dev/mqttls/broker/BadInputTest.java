package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Pubcomp;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Pubrel;
import dev.mqttls.codec.ReasonCode;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Hostile bytes, each on its own connection: that connection alone is closed with the right reason
 * and one log line, a subscriber elsewhere keeps receiving, and nothing accumulates.
 */
class BadInputTest {
  static Broker broker;
  static InetSocketAddress addr;
  static ListAppender<ILoggingEvent> log = new ListAppender<>();
  static ResourceLeakDetector.Level leakLevel;

  @BeforeAll
  static void start() {
    leakLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    log.start();
    ((Logger) LoggerFactory.getLogger("dev.mqttls")).addAppender(log);
    ((Logger) LoggerFactory.getLogger("io.netty")).addAppender(log);
    broker =
        Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").maxPacketSize(1024).build());
    addr = broker.address(0);
  }

  @AfterAll
  static void stop() {
    broker.close();
    ((Logger) LoggerFactory.getLogger("dev.mqttls")).detachAppender(log);
    ((Logger) LoggerFactory.getLogger("io.netty")).detachAppender(log);
    ResourceLeakDetector.setLevel(leakLevel);
  }

  /** CONNECT v5, client id "b", keep-alive 60. */
  static final byte[] CONNECT_V5 = {
    0x10, 0x0e, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0, 0, 1, 'b'
  };

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Sends bytes after a good v5 CONNECT; returns the DISCONNECT reason, or null if just closed. */
  private static ReasonCode afterConnect(byte[] bad) throws IOException {
    try (TestClient c = TestClient.open(addr, MqttVersion.V5)) {
      c.sendRaw(CONNECT_V5);
      assertThat(c.receive()).isInstanceOf(Connack.class);
      c.sendRaw(bad);
      MqttPacket last = c.awaitClose();
      return last instanceof Disconnect d ? d.reasonCode() : null;
    }
  }

  private static MqttPacket asFirstPacket(byte[] bad, MqttVersion v) throws IOException {
    try (TestClient c = TestClient.open(addr, v)) {
      c.sendRaw(bad);
      return c.awaitClose();
    }
  }

  private static void roundOfBadInput(TestClient watcher, TestClient pub, int round)
      throws Exception {
    // remaining length of 5 bytes
    assertThat(
            afterConnect(
                new byte[] {0x30, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}))
        .isEqualTo(ReasonCode.MALFORMED_PACKET);
    stillDelivering(watcher, pub, round, 1);
    // a packet over max_packet_size (1024): only its header is sent
    assertThat(afterConnect(new byte[] {0x30, (byte) 0xd0, 0x0f, 0, 1, 'a'}))
        .isEqualTo(ReasonCode.PACKET_TOO_LARGE);
    // PUBLISH to a/+/b
    assertThat(afterConnect(new byte[] {0x30, 0x08, 0, 5, 'a', '/', '+', '/', 'b', 0}))
        .isIn(ReasonCode.TOPIC_NAME_INVALID, ReasonCode.MALFORMED_PACKET);
    stillDelivering(watcher, pub, round, 2);
    // topic with invalid UTF-8
    assertThat(afterConnect(new byte[] {0x30, 0x06, 0, 3, 'a', (byte) 0xc3, 0x28, 0}))
        .isEqualTo(ReasonCode.MALFORMED_PACKET);
    // a second CONNECT
    assertThat(afterConnect(CONNECT_V5)).isEqualTo(ReasonCode.PROTOCOL_ERROR);
    // SUBSCRIBE with QoS 3: a Protocol Error in MQTT 5 (section 3.8.3.1)
    assertThat(afterConnect(new byte[] {(byte) 0x82, 0x07, 0, 1, 0, 0, 1, 'a', 0x03}))
        .isEqualTo(ReasonCode.PROTOCOL_ERROR);
    stillDelivering(watcher, pub, round, 3);
    // a first packet that is not CONNECT
    assertThat(asFirstPacket(new byte[] {0x30, 0x03, 0, 1, 'a'}, MqttVersion.V3_1_1)).isNull();
    // an unknown protocol name
    MqttPacket answer =
        asFirstPacket(
            new byte[] {0x10, 0x0c, 0, 4, 'M', 'Q', 'X', 'X', 4, 0x02, 0, 60, 0, 0},
            MqttVersion.V3_1_1);
    assertThat(answer == null || ((Connack) answer).reasonCode().isError()).isTrue();
    // PUBREL for an unknown id: answered, connection stays (MQTT 5 section 4.3.3)
    try (TestClient c = TestClient.connect(addr, MqttVersion.V5, "rel-" + round)) {
      c.send(new Pubrel(4242));
      assertThat(c.expect(Pubcomp.class).reasonCode())
          .isEqualTo(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND);
    }
    // 64 KiB of random bytes
    byte[] noise = new byte[64 * 1024];
    new Random(round).nextBytes(noise);
    asFirstPacket(noise, MqttVersion.V3_1_1);
    assertThat(afterConnect(noise)).isNotEqualTo(ReasonCode.SUCCESS);
    stillDelivering(watcher, pub, round, 4);
  }

  private static void stillDelivering(TestClient watcher, TestClient pub, int round, int step)
      throws Exception {
    String text = "alive " + round + "." + step;
    pub.publish("watch/t", text, 0, 0, false);
    Publish p = watcher.expect(Publish.class);
    assertThat(TestClient.text(p)).isEqualTo(text);
  }

  @Test
  void eachBadInputClosesOnlyItsConnection_andNothingAccumulates() throws Exception {
    try (TestClient watcher = TestClient.connect(addr, MqttVersion.V3_1_1, "watcher");
        TestClient pub = TestClient.connect(addr, MqttVersion.V3_1_1, "watch-pub")) {
      watcher.subscribe(1, "watch/#", 0);
      roundOfBadInput(watcher, pub, 0);
      long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
      for (int round = 1; round <= 15; round++) {
        roundOfBadInput(watcher, pub, round);
      }
      long directAfter = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
      // pooled arenas grow in 4 MiB chunks at most once or twice; a leak per connection would not
      assertThat(directAfter - directBefore).isLessThan(16L * 1024 * 1024);
      for (int i = 0; i < 50 && broker.connectionCount() > 2; i++) {
        Thread.sleep(100);
      }
      assertThat(broker.connectionCount()).isEqualTo(2);
    }
    List<String> lines;
    synchronized (log) { // AppenderBase appends under this monitor
      lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
    assertThat(lines).noneMatch(l -> l.contains("LEAK"));
    assertThat(lines).noneMatch(l -> l.contains("Internal error"));
    assertThat(lines)
        .anyMatch(
            l ->
                l.matches(
                    "Client b from 127\\.0\\.0\\.1:\\d+ disconnected: protocol violation: .*"));
  }

  @Test
  void truncatedPacketThenSilence_closedByKeepAlive() throws Exception {
    try (TestClient c = TestClient.open(addr, MqttVersion.V5)) {
      c.sendRaw(new byte[] {0x10, 0x0e, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 1, 0, 0, 1, 't'});
      assertThat(c.receive()).isInstanceOf(Connack.class);
      c.sendRaw(new byte[] {0x30, 0x10, 0, 3});
      MqttPacket last = c.awaitClose();
      assertThat(((Disconnect) last).reasonCode()).isEqualTo(ReasonCode.KEEP_ALIVE_TIMEOUT);
    }
  }
}
