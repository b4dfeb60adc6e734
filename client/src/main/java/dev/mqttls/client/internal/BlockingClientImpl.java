package dev.mqttls.client.internal;

import dev.mqttls.client.BlockingMqttClient;
import dev.mqttls.client.ConnectResult;
import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.PublishResult;
import dev.mqttls.client.SubscribeResult;
import dev.mqttls.client.Subscription;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The blocking view: waits on the asynchronous client's futures, rethrowing with the caller's
 * stack.
 */
final class BlockingClientImpl implements BlockingMqttClient {
  private final ClientImpl client;
  private final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();

  BlockingClientImpl(ClientImpl client) {
    this.client = client;
  }

  @Override
  public ConnectResult connect() {
    CompletableFuture<ConnectResult> f = client.connect();
    // the client's own timer ends every attempt; this bound only guards against a defect there
    long limit = client.config().connectTimeout().toMillis() + 10_000;
    try {
      f.get(limit, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new MqttClientException(
          FailureKind.TIMEOUT,
          "connect to " + client.config().brokerUrl() + " did not complete",
          e);
    } catch (InterruptedException | ExecutionException e) {
      // reported with the caller's stack below
    }
    return await(f);
  }

  @Override
  public PublishResult publish(Message message) {
    return await(client.publish(message));
  }

  @Override
  public SubscribeResult subscribe(Subscription subscription, Consumer<Message> callback) {
    return await(client.subscribe(subscription, callback));
  }

  @Override
  public SubscribeResult subscribe(Subscription subscription) {
    return await(client.subscribe(subscription, received::add));
  }

  @Override
  public Optional<Message> receive(Duration timeout) {
    try {
      return Optional.ofNullable(received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void unsubscribe(String filter) {
    await(client.unsubscribe(filter));
  }

  @Override
  public void disconnect() {
    await(client.disconnect());
  }

  @Override
  public MqttClient async() {
    return client;
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MqttClientException(FailureKind.CLOSED, "interrupted while waiting", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof MqttClientException m) {
        throw m.withCallerStack();
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new MqttClientException(FailureKind.PROTOCOL, Words.of(c), c);
    }
  }
}
