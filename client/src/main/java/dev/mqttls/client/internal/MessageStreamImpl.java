package dev.mqttls.client.internal;

import dev.mqttls.client.Message;
import dev.mqttls.client.MessageStream;
import dev.mqttls.client.SubscribeResult;
import dev.mqttls.client.Subscription;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A subscription's messages with back-pressure. Messages arrive on the client's callback thread and
 * wait in a queue until requested; when the queue holds {@code bufferSize} messages the client
 * stops reading from the socket (TCP then slows the broker), and reads again once half of them were
 * taken. All delivery to the subscriber happens on the callback thread, so {@code onNext} calls
 * never overlap (Reactive Streams rule 1.3).
 */
final class MessageStreamImpl implements MessageStream {
  private final ClientImpl client;
  private final Subscription subscription;
  private final int bufferSize;
  private final CompletableFuture<SubscribeResult> subscribed = new CompletableFuture<>();

  // guarded by this
  private final ArrayDeque<Message> queue = new ArrayDeque<>();
  private Flow.Subscriber<? super Message> subscriber;
  private long demand;
  private boolean paused;
  private boolean cancelled;
  private Throwable failure;

  MessageStreamImpl(ClientImpl client, Subscription subscription, int bufferSize) {
    this.client = client;
    this.subscription = subscription;
    this.bufferSize = bufferSize;
  }

  @Override
  public CompletableFuture<SubscribeResult> subscribed() {
    return subscribed;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super Message> s) {
    java.util.Objects.requireNonNull(s, "subscriber");
    synchronized (this) {
      if (subscriber != null) {
        client
            .callbackExecutor()
            .execute(
                () -> {
                  s.onSubscribe(new NoopSubscription());
                  s.onError(new IllegalStateException("a MessageStream takes one subscriber"));
                });
        return;
      }
      subscriber = s;
    }
    client
        .callbackExecutor()
        .execute(
            () -> {
              s.onSubscribe(new StreamSubscription());
              client
                  .subscribe(subscription, this::offer)
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          subscribed.completeExceptionally(e);
                          fail(e);
                        } else {
                          subscribed.complete(r);
                        }
                      });
            });
  }

  /** Called on the callback thread for each message. */
  private void offer(Message m) {
    synchronized (this) {
      if (cancelled) {
        return;
      }
      queue.add(m);
      if (!paused && queue.size() >= bufferSize) {
        paused = true;
        client.pauseReading();
      }
    }
    drain();
  }

  private void fail(Throwable e) {
    synchronized (this) {
      failure = e;
    }
    client.callbackExecutor().execute(this::drain);
  }

  /** Runs on the callback thread only. */
  private void drain() {
    while (true) {
      Message next;
      Flow.Subscriber<? super Message> s;
      synchronized (this) {
        s = subscriber;
        if (cancelled || s == null) {
          return;
        }
        if (queue.isEmpty() && failure != null) {
          cancelled = true;
          Throwable f = failure;
          s.onError(f);
          return;
        }
        if (demand == 0 || queue.isEmpty()) {
          return;
        }
        next = queue.poll();
        demand--;
        if (paused && queue.size() <= bufferSize / 2) {
          paused = false;
          client.resumeReading();
        }
      }
      s.onNext(next);
    }
  }

  private final class StreamSubscription implements Flow.Subscription {
    @Override
    public void request(long n) {
      if (n <= 0) {
        fail(new IllegalArgumentException("request(" + n + "): n must be positive (rule 3.9)"));
        return;
      }
      synchronized (MessageStreamImpl.this) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      client.callbackExecutor().execute(MessageStreamImpl.this::drain);
    }

    @Override
    public void cancel() {
      boolean resume;
      synchronized (MessageStreamImpl.this) {
        if (cancelled) {
          return;
        }
        cancelled = true;
        queue.clear();
        resume = paused;
        paused = false;
      }
      if (resume) {
        client.resumeReading();
      }
      client.unsubscribe(subscription.filter());
    }
  }

  private static final class NoopSubscription implements Flow.Subscription {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}
