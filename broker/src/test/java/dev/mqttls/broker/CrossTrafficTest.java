package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Publish;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two clients publish QoS 1 as fast as they can to each other, with a small in-flight window and
 * queue: flow control holds each back for the other, and that must never become a standstill (each
 * one's acknowledgements have to be read for the other's messages to flow).
 */
class CrossTrafficTest {
  static final int MESSAGES = 2000;

  @Test
  void twoClientsPublishingToEachOther_bothGetEverything() throws Exception {
    BrokerConfig config =
        BrokerConfig.builder()
            .listener(0, "127.0.0.1")
            .maxInflightMessages(5)
            .maxQueuedMessages(20)
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Broker broker = Broker.start(config);
        TestClient a = TestClient.connect(broker.address(0), MqttVersion.V5, "cross-a");
        TestClient b = TestClient.connect(broker.address(0), MqttVersion.V5, "cross-b")) {
      a.subscribe(1, "to/a", 1);
      b.subscribe(1, "to/b", 1);
      Future<Integer> aGot = pool.submit(() -> readAndAck(a));
      Future<Integer> bGot = pool.submit(() -> readAndAck(b));
      Future<?> aSends = pool.submit(() -> publishAll(a, "to/b"));
      Future<?> bSends = pool.submit(() -> publishAll(b, "to/a"));
      aSends.get(60, TimeUnit.SECONDS);
      bSends.get(60, TimeUnit.SECONDS);
      assertThat(aGot.get(60, TimeUnit.SECONDS)).isEqualTo(MESSAGES);
      assertThat(bGot.get(60, TimeUnit.SECONDS)).isEqualTo(MESSAGES);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Void publishAll(TestClient c, String topic) throws Exception {
    for (int i = 0; i < MESSAGES; i++) {
      c.publish(topic, Integer.toString(i), 1, (i % 60000) + 1, false);
    }
    return null;
  }

  /** Reads this client's input: counts PUBLISHes in order and acknowledges them; PUBACKs pass. */
  private static int readAndAck(TestClient c) throws Exception {
    int next = 0;
    for (int n = 0; n < 3 * MESSAGES && next < MESSAGES; n++) {
      MqttPacket p = c.receive(java.time.Duration.ofSeconds(20));
      if (p instanceof Publish pub) {
        assertThat(TestClient.text(pub)).isEqualTo(Integer.toString(next));
        next++;
        c.send(new Puback(pub.packetId()));
      } else {
        assertThat(p).isInstanceOf(Puback.class);
      }
    }
    return next;
  }
}
