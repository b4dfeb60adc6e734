package dev.mqttls.client.internal;

import dev.mqttls.client.BlockingMqttClient;
import dev.mqttls.client.ClientStatus;
import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.ConnectionState;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MessageStream;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientConfig;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.SubscribeResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.internal.connect.Connector;
import dev.mqttls.client.internal.connect.Transport;
import dev.mqttls.client.internal.publish.outgoing.OutgoingPublish;
import dev.mqttls.client.internal.session.ClientSession;
import dev.mqttls.codec.Qos;
import dev.mqttls.codec.TopicFilter;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's API: each call hops onto the client's event loop, where the {@link Connector} and
 * the {@link ClientSession} (with its QoS flows and subscriptions) keep all state, and completes
 * the caller's future. Callbacks to the application run on {@link #callbacks}, so an application
 * that blocks in a callback never stalls the connection.
 */
public final class ClientImpl implements MqttClient {
  private static final Logger LOG = LoggerFactory.getLogger(MqttClient.class);

  private final MqttClientConfig config;
  private final EventLoop loop;
  private final SerialExecutor callbacks;
  private final List<Consumer<MqttClientException>> lossListeners = new CopyOnWriteArrayList<>();
  private final BlockingClientImpl blocking;
  private final ClientSession session;
  private final Connector connector;
  private volatile Consumer<Message> unmatched;
  private volatile ClientStatus statusSnapshot;

  /** A client for {@code config}; use {@link MqttClient#create}. */
  public ClientImpl(MqttClientConfig config) {
    this.config = config;
    this.loop = Transport.loopFor(config);
    this.callbacks = new SerialExecutor(SharedResources.callbacks());
    this.blocking = new BlockingClientImpl(this);
    this.session =
        new ClientSession(config, callbacks, () -> unmatched, this::url, this::updateSnapshot);
    this.connector = new Connector(config, loop, session, this::updateSnapshot, this::lost);
    this.statusSnapshot = snapshot();
  }

  @Override
  public MqttClientConfig config() {
    return config;
  }

  @Override
  public CompletableFuture<ConnectResult> connect() {
    CompletableFuture<ConnectResult> result = new CompletableFuture<>();
    onLoop(result, () -> connector.connect(result));
    return result;
  }

  @Override
  public CompletableFuture<PublishResult> publish(Message message) {
    Objects.requireNonNull(message, "message");
    CompletableFuture<PublishResult> result = new CompletableFuture<>();
    onLoop(
        result,
        () -> {
          if (connector.state() == ConnectionState.CLOSED) {
            result.completeExceptionally(Connector.closed());
          } else {
            session.outgoing().publish(new OutgoingPublish(message, result));
          }
        });
    return result;
  }

  @Override
  public CompletableFuture<SubscribeResult> subscribe(
      Subscription subscription, Consumer<Message> callback) {
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(callback, "callback");
    CompletableFuture<SubscribeResult> result = new CompletableFuture<>();
    onLoop(
        result,
        () -> {
          if (connector.state() != ConnectionState.CONNECTED) {
            result.completeExceptionally(notConnected("subscribe"));
            return;
          }
          session.subscriptions().subscribe(session.channel(), subscription, callback, result);
        });
    return result;
  }

  @Override
  public MessageStream subscribeStream(Subscription subscription, int bufferSize) {
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize must be at least 1, was " + bufferSize);
    }
    return new MessageStreamImpl(this, subscription, bufferSize);
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String filter) {
    TopicFilter.of(filter);
    CompletableFuture<Void> result = new CompletableFuture<>();
    onLoop(
        result,
        () ->
            session
                .subscriptions()
                .unsubscribe(
                    connector.state() == ConnectionState.CONNECTED ? session.channel() : null,
                    filter,
                    result));
    return result;
  }

  @Override
  public CompletableFuture<Void> disconnect() {
    CompletableFuture<Void> result = new CompletableFuture<>();
    onLoop(result, () -> connector.disconnect(result, ConnectionState.DISCONNECTED));
    return result;
  }

  @Override
  public void onConnectionLost(Consumer<MqttClientException> listener) {
    lossListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void onUnmatchedMessage(Consumer<Message> callback) {
    unmatched = Objects.requireNonNull(callback, "callback");
  }

  @Override
  public void acknowledge(Message message) {
    Objects.requireNonNull(message, "message");
    if (!config.manualAcknowledgement() || message.qos() == Qos.AT_MOST_ONCE) {
      return;
    }
    loop.execute(() -> session.incoming().acknowledge(session.channel(), message));
  }

  @Override
  public ConnectionState state() {
    return connector.state();
  }

  @Override
  public ClientStatus status() {
    ClientStatus s = statusSnapshot;
    // counters are read live: a future may complete before the loop refreshes the snapshot
    return new ClientStatus(
        s.state(),
        s.brokerUrl(),
        s.clientId(),
        s.connect(),
        s.subscriptions(),
        session.incoming().receivedCount(),
        session.outgoing().completedCount(),
        s.inflight(),
        s.buffered());
  }

  @Override
  public BlockingMqttClient blocking() {
    return blocking;
  }

  @Override
  public void close() {
    if (connector.state() == ConnectionState.CLOSED) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(done, () -> connector.disconnect(done, ConnectionState.CLOSED));
    if (!loop.inEventLoop()) {
      try {
        done.get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("closing {}: {}", url(), e.toString());
      }
    }
  }

  // ------------------------------------------------------------------ used by streams

  /** Stops reading from the connection until as many {@link #resumeReading()} calls. */
  void pauseReading() {
    loop.execute(connector::pauseReading);
  }

  void resumeReading() {
    loop.execute(connector::resumeReading);
  }

  Executor callbackExecutor() {
    return callbacks;
  }

  // ------------------------------------------------------------------ plumbing

  private String url() {
    return connector == null ? config.brokerUrl() : connector.url();
  }

  /** An accepted connection was lost: the listeners hear of it on the callback thread. */
  private void lost(MqttClientException cause) {
    for (Consumer<MqttClientException> l : lossListeners) {
      callbacks.execute(() -> l.accept(cause));
    }
  }

  private void onLoop(CompletableFuture<?> result, Runnable task) {
    if (loop.inEventLoop()) {
      runGuarded(result, task);
    } else {
      try {
        loop.execute(() -> runGuarded(result, task));
      } catch (RejectedExecutionException e) {
        result.completeExceptionally(Connector.closed());
      }
    }
  }

  private static void runGuarded(CompletableFuture<?> result, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      // never leave a caller waiting on a future that nothing will complete
      result.completeExceptionally(e);
    }
  }

  private void updateSnapshot() {
    statusSnapshot = snapshot();
  }

  private ClientStatus snapshot() {
    ConnectionState state = connector == null ? ConnectionState.DISCONNECTED : connector.state();
    return new ClientStatus(
        state,
        url(),
        session.clientId(),
        session.connected(),
        session.subscriptions().list(),
        session.incoming().receivedCount(),
        session.outgoing().completedCount(),
        session.outgoing().inflightCount(),
        state == ConnectionState.CONNECTED ? 0 : session.outgoing().waitingCount());
  }

  private MqttClientException notConnected(String what) {
    return new MqttClientException(
        FailureKind.CONNECTION_LOST, "cannot " + what + ": not connected to " + url(), null);
  }
}
