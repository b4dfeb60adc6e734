package dev.mqttls.client;

import dev.mqttls.client.internal.ClientImpl;
import dev.mqttls.codec.Qos;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An asynchronous MQTT 3.1.1 / 5.0 client over TCP or TLS. Every operation returns at once with a
 * {@link CompletableFuture}; {@link #blocking()} gives a view that waits instead.
 *
 * <p>A client holds one connection at a time and, across reconnects, one session: in-flight QoS 1
 * and 2 messages are resent after a reconnect that resumes the session, and subscriptions are made
 * again after one that does not. Its state lives on one Netty event loop; methods may be called
 * from any thread. Messages are handed to callbacks on one thread per client, in arrival order; a
 * callback may call the client, including its blocking view.
 *
 * <p>Failures complete futures with {@link MqttClientException}, whose {@link FailureKind} says
 * which class of problem it is and whose message names the cause.
 *
 * <p>Not for users to implement.
 */
public interface MqttClient extends AutoCloseable {

  /** A client for {@code config}; it does not connect until {@link #connect()}. */
  static MqttClient create(MqttClientConfig config) {
    return new ClientImpl(config);
  }

  /** The configuration this client was created with. */
  MqttClientConfig config();

  /**
   * Connects: TCP, TLS when configured, CONNECT and CONNACK. Fails with {@link FailureKind#REFUSED}
   * (with the reason code) when the broker refuses. With automatic reconnect on, a lost connection
   * is re-established in the background after this succeeds once.
   */
  CompletableFuture<ConnectResult> connect();

  /**
   * Publishes a message. While disconnected with an offline buffer configured, the message waits in
   * the buffer; without one it fails with {@link FailureKind#CONNECTION_LOST}.
   */
  CompletableFuture<PublishResult> publish(Message message);

  /**
   * Subscribes and hands each matching message to {@code callback} (on the client's callback
   * thread, in order). The subscription is kept across reconnects.
   */
  CompletableFuture<SubscribeResult> subscribe(
      Subscription subscription, Consumer<Message> callback);

  /** Subscribes to {@code filter} at {@code qos}, handing messages to {@code callback}. */
  default CompletableFuture<SubscribeResult> subscribe(
      String filter, Qos qos, Consumer<Message> callback) {
    return subscribe(Subscription.of(filter, qos), callback);
  }

  /**
   * Subscribes and returns the messages as a stream with back-pressure; at most {@code bufferSize}
   * messages wait before the client stops reading from the connection.
   */
  MessageStream subscribeStream(Subscription subscription, int bufferSize);

  /** Unsubscribes from {@code filter}; its callback gets no further message. */
  CompletableFuture<Void> unsubscribe(String filter);

  /**
   * Sends DISCONNECT and closes the connection. Automatic reconnect stops until the next {@link
   * #connect()}. Completes at once when not connected.
   */
  CompletableFuture<Void> disconnect();

  /**
   * Registers a listener called (on the callback thread) whenever an established connection is
   * lost, with the cause.
   */
  void onConnectionLost(Consumer<MqttClientException> listener);

  /**
   * Registers a callback (on the callback thread) for messages that match none of this client's
   * subscriptions: typically those a resumed session delivers right after CONNACK, before the
   * application has called {@link #subscribe} again. Register it before {@link #connect()}. Without
   * one such messages are acknowledged and dropped (logged at debug level).
   */
  void onUnmatchedMessage(Consumer<Message> callback);

  /**
   * Acknowledges a QoS 1 or 2 {@code message} this client delivered, when {@link
   * MqttClientConfig#manualAcknowledgement()} is on (PUBACK, or PUBREC for QoS 2). Does nothing for
   * a QoS 0 message, one already acknowledged, or one delivered on a connection that has since
   * ended (a resumed session delivers it again). Returns at once.
   */
  void acknowledge(Message message);

  /** The connection state now. */
  ConnectionState state();

  /** A snapshot for status displays. */
  ClientStatus status();

  /** A view of this client whose operations wait for completion. */
  BlockingMqttClient blocking();

  /** Disconnects if connected and releases the client; it cannot be used afterwards. */
  @Override
  void close();
}
