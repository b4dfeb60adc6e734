package dev.mqttls.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqttls.codec.Connect;
import dev.mqttls.codec.Disconnect;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.ReasonCode;
import org.junit.jupiter.api.Test;

/** Sessions go when they should: nothing is left behind by a stream of ordinary clients. */
class SessionLifecycleTest {
  @Test
  void cleanSessionsEndWithTheirConnection_persistentOnesStay_untilExpiry() throws Exception {
    try (Broker broker = Broker.start(BrokerConfig.builder().listener(0, "127.0.0.1").build())) {
      for (int i = 0; i < 200; i++) {
        try (TestClient c = TestClient.connect(broker.address(0), MqttVersion.V3_1_1, "c-" + i)) {
          c.subscribe(1, "life/" + i + "/#", 1);
          if (i % 2 == 0) {
            c.send(new Disconnect());
            c.awaitClose();
          }
        }
      }
      for (int i = 0; i < 20; i++) {
        try (TestClient c = TestClient.open(broker.address(0), MqttVersion.V5)) {
          c.connect(
              new Connect(
                  MqttVersion.V5,
                  "p-" + i,
                  false,
                  60,
                  null,
                  null,
                  null,
                  MqttProperties.builder().sessionExpiryInterval(i < 10 ? 1L : 3600L).build()));
          c.subscribe(1, "life/p/" + i, 1);
          c.send(new Disconnect(ReasonCode.NORMAL_DISCONNECTION, MqttProperties.EMPTY));
          c.awaitClose();
        }
      }
      // bounded wait: closes are processed on the event loops; ten sessions expire after 1 s
      for (int i = 0;
          i < 60 && (broker.sessionCount() != 10 || broker.connectionCount() != 0);
          i++) {
        Thread.sleep(100);
      }
      assertThat(broker.connectionCount()).isZero();
      assertThat(broker.sessionCount()).isEqualTo(10);
    }
  }
}
