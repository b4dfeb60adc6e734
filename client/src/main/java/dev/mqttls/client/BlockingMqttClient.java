package dev.mqttls.client;

import dev.mqttls.codec.Qos;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A view of an {@link MqttClient} whose operations wait for completion. Failures are thrown as
 * {@link MqttClientException} with the caller's stack trace (the asynchronous failure as its
 * cause). Obtain one with {@link MqttClient#blocking()}; not for users to implement.
 */
public interface BlockingMqttClient {
  /** Connects and waits for CONNACK. */
  ConnectResult connect();

  /** Publishes and waits until the message is written (QoS 0), acknowledged (1) or complete (2). */
  PublishResult publish(Message message);

  /** Subscribes, handing messages to {@code callback}, and waits for SUBACK. */
  SubscribeResult subscribe(Subscription subscription, Consumer<Message> callback);

  /** Subscribes to {@code filter} at {@code qos}, handing messages to {@code callback}. */
  default SubscribeResult subscribe(String filter, Qos qos, Consumer<Message> callback) {
    return subscribe(Subscription.of(filter, qos), callback);
  }

  /** Subscribes and keeps the messages in a queue for {@link #receive}; waits for SUBACK. */
  SubscribeResult subscribe(Subscription subscription);

  /**
   * The next message of the subscriptions made with {@link #subscribe(Subscription)}, waiting at
   * most {@code timeout}.
   */
  Optional<Message> receive(Duration timeout);

  /** Unsubscribes and waits for UNSUBACK. */
  void unsubscribe(String filter);

  /** Disconnects and waits until the connection is closed. */
  void disconnect();

  /** The asynchronous client behind this view. */
  MqttClient async();
}
