package dev.mqttls.interop.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Eclipse Paho's MQTT 5 client, connected, with an inbox. Uses the asynchronous client because only
 * it sends SUBSCRIBE properties (subscription identifiers), and never the listener overloads of
 * {@code subscribe}, which recurse into a StackOverflowError in Paho 1.2.5.
 */
public final class V5Client implements AutoCloseable {
  private static final long WAIT_MILLIS = 10_000;

  final MqttAsyncClient paho;
  public final Inbox inbox;
  private volatile IMqttToken connectToken;
  private final CountDownLatch disconnected = new CountDownLatch(1);
  private volatile MqttDisconnectResponse disconnect;

  private V5Client(MqttAsyncClient paho) {
    this.paho = paho;
    this.inbox = new Inbox("Paho v5 " + paho.getClientId());
  }

  static V5Client connect(BrokerUnderTest broker, String clientId, boolean cleanStart) {
    return connect(broker, clientId, options -> options.setCleanStart(cleanStart));
  }

  static V5Client connect(
      BrokerUnderTest broker, String clientId, Consumer<MqttConnectionOptions> configure) {
    return connect(broker.uri(), clientId, configure);
  }

  /** Connects to the broker at {@code uri} ({@code tcp://127.0.0.1:PORT}). */
  public static V5Client connect(
      String uri, String clientId, Consumer<MqttConnectionOptions> configure) {
    try {
      MqttAsyncClient paho = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
      // The callback must see the inbox before CONNECT: a resumed session's queued messages
      // arrive right behind the CONNACK.
      V5Client client = new V5Client(paho);
      paho.setCallback(client.callback());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setAutomaticReconnect(false);
      options.setConnectionTimeout(10);
      options.setKeepAliveInterval(30);
      // Paho waits this long for its executor on close(); the default second adds up over a suite.
      options.setExecutorServiceTimeout(0);
      configure.accept(options);
      IMqttToken token = paho.connect(options);
      token.waitForCompletion(WAIT_MILLIS);
      client.connectToken = token;
      return client;
    } catch (MqttException e) {
      throw new AssertionError("Paho v5 " + clientId + " could not connect: " + e, e);
    }
  }

  private MqttCallback callback() {
    V5Client client = this;
    return new MqttCallback() {
      @Override
      public void disconnected(MqttDisconnectResponse response) {
        client.disconnect = response;
        client.disconnected.countDown();
      }

      @Override
      public void mqttErrorOccurred(MqttException exception) {}

      @Override
      public void messageArrived(String topic, MqttMessage message) {
        MqttProperties p = message.getProperties();
        Map<String, String> user = new LinkedHashMap<>();
        if (p != null && p.getUserProperties() != null) {
          for (UserProperty u : p.getUserProperties()) {
            user.put(u.getKey(), u.getValue());
          }
        }
        Received.V5Properties v5 =
            p == null
                ? Received.V5Properties.NONE
                : new Received.V5Properties(
                    p.getSubscriptionIdentifiers() == null
                        ? List.of()
                        : List.copyOf(p.getSubscriptionIdentifiers()),
                    user,
                    p.getResponseTopic(),
                    p.getCorrelationData(),
                    p.getMessageExpiryInterval(),
                    p.getContentType());
        client.inbox.add(
            new Received(
                topic,
                new String(message.getPayload(), StandardCharsets.UTF_8),
                message.getQos(),
                message.isRetained(),
                message.isDuplicate(),
                v5));
      }

      @Override
      public void deliveryComplete(IMqttToken token) {}

      @Override
      public void connectComplete(boolean reconnect, String serverURI) {}

      @Override
      public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    };
  }

  /** The CONNACK's properties (assigned client identifier, limits). */
  MqttProperties connack() {
    return connectToken.getResponseProperties();
  }

  boolean sessionPresent() {
    return connectToken.getSessionPresent();
  }

  V5Client subscribe(String filter, int qos) {
    return subscribe(new MqttSubscription(filter, qos), null);
  }

  /** Subscribes with options and, if not null, a subscription identifier; returns reason codes. */
  public V5Client subscribe(MqttSubscription subscription, Integer subscriptionId) {
    try {
      MqttProperties properties = new MqttProperties();
      if (subscriptionId != null) {
        properties.setSubscriptionIdentifier(subscriptionId);
      }
      IMqttToken token =
          paho.subscribe(new MqttSubscription[] {subscription}, null, null, properties);
      token.waitForCompletion(WAIT_MILLIS);
      int[] codes = token.getReasonCodes();
      if (codes == null || codes.length != 1 || codes[0] > 2) {
        throw new AssertionError(
            "subscribe " + subscription + " refused: " + java.util.Arrays.toString(codes));
      }
      return this;
    } catch (MqttException e) {
      throw new AssertionError("subscribe " + subscription + " failed: " + e, e);
    }
  }

  V5Client publish(String topic, String payload, int qos, boolean retained) {
    return publish(topic, payload, qos, retained, null);
  }

  /** Publishes, waiting for the acknowledgement at QoS 1 and 2. */
  public V5Client publish(
      String topic, String payload, int qos, boolean retained, MqttProperties properties) {
    try {
      MqttMessage message =
          new MqttMessage(
              payload.getBytes(StandardCharsets.UTF_8),
              qos,
              retained,
              properties == null ? new MqttProperties() : properties);
      paho.publish(topic, message).waitForCompletion(WAIT_MILLIS);
      return this;
    } catch (MqttException e) {
      throw new AssertionError("publish to " + topic + " failed: " + e, e);
    }
  }

  /** Waits for the broker to end the connection; returns its DISCONNECT, if it sent one. */
  MqttDisconnectResponse awaitDisconnected(Duration timeout) {
    try {
      if (!disconnected.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(paho.getClientId() + " still connected after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return disconnect;
  }

  boolean isConnected() {
    return paho.isConnected();
  }

  /** Drops the TCP connection without DISCONNECT, so the broker publishes the will. */
  void kill() {
    try {
      paho.disconnectForcibly(0, 100, false);
    } catch (MqttException e) {
      // Already gone is what we wanted.
    }
  }

  /** Sends DISCONNECT with {@code reasonCode} (0x04 asks the broker to publish the will). */
  void disconnect(int reasonCode) {
    try {
      paho.disconnect(2_000, null, null, reasonCode, new MqttProperties())
          .waitForCompletion(WAIT_MILLIS);
    } catch (MqttException e) {
      throw new AssertionError("disconnect failed: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      if (paho.isConnected()) {
        paho.disconnect(2_000).waitForCompletion(WAIT_MILLIS);
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
