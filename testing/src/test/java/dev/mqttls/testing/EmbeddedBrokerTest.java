package dev.mqttls.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddedBrokerTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @RegisterExtension final EmbeddedBroker broker = new EmbeddedBroker();

  @Test
  void extensionStartsOnLoopbackAndCapturesTheLog() {
    assertThat(broker.isRunning()).isTrue();
    assertThat(broker.broker().boundAddresses().get(0).getAddress().isLoopbackAddress()).isTrue();
    long mark = broker.log().mark();
    try (ScriptedClient client = ScriptedClient.connect(broker.port())) {
      client.send(MqttBytes.connectV311("embedded-check", 10, true));
      RawPacket connack = client.awaitPacket(WAIT);
      assertThat(connack.type()).isEqualTo(RawPacket.CONNACK);
      assertThat(connack.reasonCode()).isZero();
    }
    broker.log().assertLogged(mark, WAIT, "embedded-check");
  }

  @Test
  void directUseStopsOnClose() {
    int port;
    try (EmbeddedBroker direct = EmbeddedBroker.start("max_keepalive 60")) {
      port = direct.port();
      assertThat(Ports.accepts(port, WAIT)).isTrue();
    }
    assertThat(Ports.accepts(port, Duration.ofMillis(500))).isFalse();
  }

  @Test
  void refusedConfigurationNamesTheDirective() {
    assertThatThrownBy(() -> EmbeddedBroker.start("no_such_directive 1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no_such_directive");
  }
}
