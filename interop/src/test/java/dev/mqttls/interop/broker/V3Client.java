package dev.mqttls.interop.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Eclipse Paho's MQTT 3.1.1 client, connected, with an inbox. */
final class V3Client implements AutoCloseable {
  final MqttClient paho;
  final Inbox inbox;
  private final CountDownLatch lost = new CountDownLatch(1);
  private volatile Throwable lostCause;

  private V3Client(MqttClient paho) {
    this.paho = paho;
    this.inbox = new Inbox("Paho v3 " + paho.getClientId());
  }

  static V3Client connect(BrokerUnderTest broker, String clientId, boolean cleanSession) {
    return connect(broker, clientId, options -> options.setCleanSession(cleanSession));
  }

  static V3Client connect(
      BrokerUnderTest broker, String clientId, Consumer<MqttConnectOptions> configure) {
    try {
      MqttClient paho = new MqttClient(broker.uri(), clientId, new MemoryPersistence());
      paho.setTimeToWait(10_000);
      V3Client client = new V3Client(paho);
      paho.setCallback(client.callback());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      options.setAutomaticReconnect(false);
      options.setConnectionTimeout(10);
      options.setKeepAliveInterval(30);
      // Paho frees an in-flight slot only after completing the publisher's token, so even
      // synchronous publishing can hit its default limit of 10.
      options.setMaxInflight(100);
      configure.accept(options);
      paho.connect(options);
      return client;
    } catch (MqttException e) {
      throw new AssertionError("Paho v3 " + clientId + " could not connect: " + e, e);
    }
  }

  private MqttCallback callback() {
    return new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {
        lostCause = cause;
        lost.countDown();
      }

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        inbox.add(
            Received.of(
                topic,
                message.getPayload(),
                message.getQos(),
                message.isRetained(),
                message.isDuplicate()));
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    };
  }

  V3Client subscribe(String filter, int qos) {
    try {
      paho.subscribe(filter, qos);
      return this;
    } catch (MqttException e) {
      throw new AssertionError("subscribe " + filter + " failed: " + e, e);
    }
  }

  /** Publishes and, for QoS 1 and 2, waits for the broker's acknowledgement. */
  V3Client publish(String topic, String payload, int qos, boolean retained) {
    try {
      paho.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
      return this;
    } catch (MqttException e) {
      throw new AssertionError("publish to " + topic + " failed: " + e, e);
    }
  }

  /**
   * Whether the broker dropped the connection (not by our own disconnect) within {@code timeout}.
   */
  boolean awaitConnectionLost(Duration timeout) {
    try {
      return lost.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Throwable lostCause() {
    return lostCause;
  }

  /** Drops the TCP connection without sending DISCONNECT, so the broker publishes the will. */
  void kill() {
    try {
      paho.disconnectForcibly(0, 100, false);
    } catch (MqttException e) {
      // Already gone is what we wanted.
    }
  }

  @Override
  public void close() {
    try {
      if (paho.isConnected()) {
        paho.disconnect(2_000);
      }
    } catch (MqttException e) {
      kill();
    }
    try {
      paho.close(true);
    } catch (MqttException e) {
      // Closing a client whose connection the broker dropped is not a test failure.
    }
  }
}
