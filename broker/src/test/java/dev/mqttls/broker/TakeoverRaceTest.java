package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.Connack;
import dev.mqttls.codec.Connect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Pingreq;
import dev.mqttls.codec.Pingresp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many connections claim one client id at once: one ends up holding it, nothing wedges. */
class TakeoverRaceTest {
  static final int CLAIMS = 12;

  @Test
  void concurrentClaims_exactlyOneSurvives_andTheSessionWorks() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLAIMS);
    List<TestClient> clients = new ArrayList<>();
    try (Broker broker = Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").build())) {
      Connect connect =
          new Connect(
              MqttVersion.V5,
              "contested",
              false,
              60,
              null,
              null,
              null,
              MqttProperties.builder().sessionExpiryInterval(60L).build());
      List<Future<TestClient>> claims = new ArrayList<>();
      for (int i = 0; i < CLAIMS; i++) {
        claims.add(
            pool.submit(
                () -> {
                  TestClient c = TestClient.open(broker.address(0), MqttVersion.V5);
                  Connack ack = c.connect(connect);
                  assertThat(ack.reasonCode().isError()).isFalse();
                  return c;
                }));
      }
      for (Future<TestClient> f : claims) {
        clients.add(f.get(30, TimeUnit.SECONDS));
      }
      // All but one are told Session Taken Over and closed; wait (bounded) for that.
      for (int i = 0; i < 100 && broker.connectionCount() > 1; i++) {
        Thread.sleep(50);
      }
      assertThat(broker.connectionCount()).isEqualTo(1);
      int alive = 0;
      for (TestClient c : clients) {
        try {
          c.send(new Pingreq());
          if (c.receive() instanceof Pingresp) {
            alive++;
          }
        } catch (java.io.IOException e) {
          // closed by the takeover
        }
      }
      assertThat(alive).isEqualTo(1);
    } finally {
      for (TestClient c : clients) {
        c.close();
      }
      pool.shutdownNow();
    }
  }
}
