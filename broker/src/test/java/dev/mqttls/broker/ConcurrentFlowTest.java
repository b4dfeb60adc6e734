package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.MqttPacket;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Puback;
import dev.mqttls.codec.Publish;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several publishers and subscribers at once, on different event loops: every subscriber gets every
 * QoS 1 message exactly once and in each publisher's order, with a small in-flight window and queue
 * so that flow control and back-pressure are exercised.
 */
class ConcurrentFlowTest {
  static final int PUBLISHERS = 3;
  static final int SUBSCRIBERS = 3;
  static final int MESSAGES = 1500;

  @Test
  void manyToMany_qos1_allDeliveredOnceInOrder() throws Exception {
    BrokerConfig config =
        BrokerConfig.builder().listener(0, "127.0.0.1").maxInflightMessages(5).build();
    ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS + SUBSCRIBERS);
    try (Broker broker = Broker.start(config)) {
      List<TestClient> subs = new ArrayList<>();
      for (int s = 0; s < SUBSCRIBERS; s++) {
        TestClient c = TestClient.connect(broker.address(0), MqttVersion.V5, "cf-sub-" + s);
        c.subscribe(1, "cf/#", 1);
        subs.add(c);
      }
      List<Future<int[]>> received = new ArrayList<>();
      for (TestClient c : subs) {
        received.add(pool.submit(() -> readAll(c)));
      }
      List<Future<?>> sent = new ArrayList<>();
      for (int p = 0; p < PUBLISHERS; p++) {
        int pub = p;
        sent.add(
            pool.submit(
                () -> {
                  try (TestClient c =
                      TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "cf-pub-" + pub)) {
                    for (int i = 0; i < MESSAGES; i++) {
                      c.publish("cf/" + pub, pub + ":" + i, 1, (i % 65000) + 1, false);
                      if (i % 100 == 99) {
                        drainAcks(c);
                      }
                    }
                    drainAcks(c);
                  }
                  return null;
                }));
      }
      for (Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
      for (Future<int[]> f : received) {
        int[] next = f.get(60, TimeUnit.SECONDS);
        for (int p = 0; p < PUBLISHERS; p++) {
          assertThat(next[p]).as("messages from publisher %d", p).isEqualTo(MESSAGES);
        }
      }
      for (TestClient c : subs) {
        c.close();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void drainAcks(TestClient c) throws Exception {
    // acks arrive in order; read until none is pending for a moment (bounded by the read timeout)
    for (int k = 0; k < 100_000; k++) {
      MqttPacket p;
      try {
        p = c.receive(java.time.Duration.ofMillis(200));
      } catch (java.net.SocketTimeoutException e) {
        return;
      }
      assertThat(p).isInstanceOf(Puback.class);
    }
  }

  /** Reads until every publisher's last message; returns the count per publisher. */
  private static int[] readAll(TestClient c) throws Exception {
    int[] next = new int[PUBLISHERS];
    int total = PUBLISHERS * MESSAGES;
    for (int n = 0; n < total; n++) {
      Publish p = c.expect(Publish.class);
      String[] parts = TestClient.text(p).split(":");
      int pub = Integer.parseInt(parts[0]);
      int seq = Integer.parseInt(parts[1]);
      assertThat(seq).as("order from publisher %d", pub).isEqualTo(next[pub]);
      next[pub]++;
      c.send(new Puback(p.packetId()));
    }
    return next;
  }
}
