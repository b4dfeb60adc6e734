package dev.mqttls.interop.broker;

import dev.mqttls.testing.LogCapture;
import dev.mqttls.testing.MosquittoProcess;
import java.util.Optional;

/**
 * A broker that an interop test drives: ours, or Debian's Mosquitto. Tests of standard MQTT
 * behaviour run against both; a test that passes against Mosquitto and fails against ours shows a
 * gap in our broker, not in the test.
 */
interface BrokerUnderTest extends AutoCloseable {

  /** Which broker. */
  enum Kind {
    MQTTLS,
    MOSQUITTO;

    /** Starts this broker on 127.0.0.1 with extra {@code mosquitto.conf} lines. */
    BrokerUnderTest start(String... confLines) {
      return switch (this) {
        case MQTTLS -> MqttlsBroker.start(confLines);
        case MOSQUITTO -> new Mosquitto(MosquittoProcess.start(confLines));
      };
    }
  }

  Kind kind();

  int port();

  /** {@code tcp://127.0.0.1:PORT}. */
  default String uri() {
    return "tcp://127.0.0.1:" + port();
  }

  /** Our broker's captured log, for asserting a named cause; empty for Mosquitto. */
  Optional<LogCapture> log();

  @Override
  void close();

  /** Debian's Mosquitto 2.0 as a separate process. */
  record Mosquitto(MosquittoProcess process) implements BrokerUnderTest {
    @Override
    public Kind kind() {
      return Kind.MOSQUITTO;
    }

    @Override
    public int port() {
      return process.port();
    }

    @Override
    public Optional<LogCapture> log() {
      return Optional.empty();
    }

    @Override
    public void close() {
      process.close();
    }

    @Override
    public String toString() {
      return "mosquitto";
    }
  }
}
