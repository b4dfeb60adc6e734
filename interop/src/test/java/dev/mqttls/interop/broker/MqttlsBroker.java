package dev.mqttls.interop.broker;

import dev.mqttls.testing.EmbeddedBroker;
import dev.mqttls.testing.LogCapture;
import java.util.Optional;

/** Our broker in this JVM, through the {@code testing} module's fixture. */
record MqttlsBroker(EmbeddedBroker broker) implements BrokerUnderTest {
  static MqttlsBroker start(String... confLines) {
    return new MqttlsBroker(EmbeddedBroker.start(confLines));
  }

  @Override
  public Kind kind() {
    return Kind.MQTTLS;
  }

  @Override
  public int port() {
    return broker.port();
  }

  @Override
  public Optional<LogCapture> log() {
    return Optional.of(broker.log());
  }

  @Override
  public void close() {
    broker.close();
  }

  @Override
  public String toString() {
    return "mqttls";
  }
}
