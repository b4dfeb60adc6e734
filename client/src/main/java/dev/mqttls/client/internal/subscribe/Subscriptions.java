package dev.mqttls.client.internal.subscribe;

import dev.mqttls.client.FailureKind;
import dev.mqttls.client.Message;
import dev.mqttls.client.MqttClient;
import dev.mqttls.client.MqttClientException;
import dev.mqttls.client.SubscribeResult;
import dev.mqttls.client.Subscription;
import dev.mqttls.client.internal.Packets;
import dev.mqttls.client.internal.ReasonTexts;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.PacketIdPool;
import dev.mqttls.codec.ReasonCode;
import dev.mqttls.codec.Suback;
import dev.mqttls.codec.Subscribe;
import dev.mqttls.codec.TopicFilter;
import dev.mqttls.codec.TopicName;
import dev.mqttls.codec.Unsuback;
import dev.mqttls.codec.Unsubscribe;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's subscriptions and the SUBSCRIBE / UNSUBSCRIBE exchanges waiting for an answer. A
 * subscription is kept across reconnects and made again when the broker starts a new session; a
 * message goes to the callback of every subscription it matches, or to the unmatched-message
 * callback.
 *
 * <p>Loop-confined, except {@link #list()}, which the status snapshot reads on the loop too.
 */
public final class Subscriptions {
  private static final Logger LOG = LoggerFactory.getLogger(MqttClient.class);

  private final PacketIdPool ids;
  private final Executor callbacks;
  private final Supplier<Consumer<Message>> unmatched;
  private final Supplier<String> url;
  private final Runnable changed;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  private final Map<Integer, Request<?>> requests = new HashMap<>();

  /**
   * Subscriptions of one client.
   *
   * @param ids the session's packet identifiers
   * @param callbacks where callbacks run (one thread at a time, in order)
   * @param unmatched the application's callback for messages no subscription matches, or null
   * @param url the broker connected to, for log lines
   * @param changed called when the list of subscriptions changed
   */
  public Subscriptions(
      PacketIdPool ids,
      Executor callbacks,
      Supplier<Consumer<Message>> unmatched,
      Supplier<String> url,
      Runnable changed) {
    this.ids = ids;
    this.callbacks = callbacks;
    this.unmatched = unmatched;
    this.url = url;
    this.changed = changed;
  }

  /** Subscribes on {@code ch}; {@code result} completes with the broker's SUBACK. */
  public void subscribe(
      Channel ch,
      Subscription subscription,
      Consumer<Message> callback,
      CompletableFuture<SubscribeResult> result) {
    entries.put(subscription.filter(), new Entry(subscription, callback));
    send(ch, subscription, result, true);
    changed.run();
  }

  /**
   * Forgets the subscription to {@code filter} and, when {@code ch} is not null, unsubscribes on
   * it.
   */
  public void unsubscribe(Channel ch, String filter, CompletableFuture<Void> result) {
    TopicFilter f = TopicFilter.of(filter);
    entries.remove(filter);
    changed.run();
    if (ch == null) {
      result.completeExceptionally(
          new MqttClientException(
              FailureKind.CONNECTION_LOST,
              "cannot unsubscribe: not connected to " + url.get(),
              null));
      return;
    }
    int id = ids.allocate();
    requests.put(id, new Request<>(result, List.of(filter), false));
    Packets.send(ch, new Unsubscribe(id, List.of(f), MqttProperties.EMPTY));
  }

  /** Makes every subscription again on {@code ch}, after the broker started a new session. */
  public void resubscribe(Channel ch) {
    for (Entry e : entries.values()) {
      CompletableFuture<SubscribeResult> r = new CompletableFuture<>();
      r.whenComplete(
          (ok, err) -> {
            if (err != null) {
              LOG.warn("resubscribing to {} failed: {}", e.subscription.filter(), err.getMessage());
            }
          });
      send(ch, e.subscription, r, false);
    }
  }

  private void send(
      Channel ch, Subscription s, CompletableFuture<SubscribeResult> result, boolean firstTime) {
    int id = ids.allocate();
    requests.put(id, new Request<>(result, List.of(s.filter()), firstTime));
    dev.mqttls.codec.Subscription cs =
        new dev.mqttls.codec.Subscription(
            TopicFilter.of(s.filter()),
            s.qos(),
            s.noLocal(),
            s.retainAsPublished(),
            s.retainHandling());
    Packets.send(ch, new Subscribe(id, List.of(cs), MqttProperties.EMPTY));
  }

  /** The broker answered a SUBSCRIBE. */
  @SuppressWarnings("unchecked")
  public void suback(Suback suback) {
    Request<?> r = requests.remove(suback.packetId());
    if (r == null) {
      LOG.debug("SUBACK for unknown packet id {} from {}", suback.packetId(), url.get());
      return;
    }
    ids.release(suback.packetId());
    String reason = suback.properties().reasonString();
    for (int i = 0; i < suback.reasonCodes().size(); i++) {
      ReasonCode rc = suback.reasonCodes().get(i);
      if (rc.isError()) {
        String filter = i < r.filters.size() ? r.filters.get(i) : "?";
        entries.remove(filter);
        changed.run();
        r.future.completeExceptionally(
            new MqttClientException(
                FailureKind.PROTOCOL,
                "the broker refused the subscription to "
                    + filter
                    + ": "
                    + ReasonTexts.name(rc)
                    + (reason != null ? " (" + reason + ")" : ""),
                rc,
                reason,
                null));
        return;
      }
    }
    ((CompletableFuture<SubscribeResult>) r.future)
        .complete(new SubscribeResult(suback.reasonCodes(), Optional.ofNullable(reason)));
  }

  /** The broker answered an UNSUBSCRIBE. */
  @SuppressWarnings("unchecked")
  public void unsuback(Unsuback unsuback) {
    Request<?> r = requests.remove(unsuback.packetId());
    if (r != null) {
      ids.release(unsuback.packetId());
      ((CompletableFuture<Void>) r.future).complete(null);
    }
  }

  /** Fails the requests waiting for an answer; subscriptions never confirmed are forgotten. */
  public void failRequests(MqttClientException cause) {
    for (Map.Entry<Integer, Request<?>> e : requests.entrySet()) {
      Request<?> r = e.getValue();
      ids.release(e.getKey());
      if (r.unconfirmedSubscription) {
        r.filters.forEach(entries::remove);
      }
      r.future.completeExceptionally(cause);
    }
    requests.clear();
    changed.run();
  }

  /** Hands {@code m} to the callback of every subscription it matches, on the callback thread. */
  public void dispatch(Message m) {
    TopicName name = TopicName.of(m.topic());
    boolean any = false;
    for (Entry e : entries.values()) {
      if (e.filter.matches(name)) {
        any = true;
        Consumer<Message> cb = e.callback;
        callbacks.execute(() -> cb.accept(m));
      }
    }
    if (!any) {
      Consumer<Message> cb = unmatched.get();
      if (cb != null) {
        callbacks.execute(() -> cb.accept(m));
      } else {
        LOG.debug("message on {} matches no subscription of this client; dropped", m.topic());
      }
    }
  }

  /** The subscriptions, in the order they were made. */
  public List<Subscription> list() {
    List<Subscription> subs = new ArrayList<>(entries.size());
    for (Entry e : entries.values()) {
      subs.add(e.subscription);
    }
    return subs;
  }

  private static final class Entry {
    final Subscription subscription;
    final TopicFilter filter;
    final Consumer<Message> callback;

    Entry(Subscription subscription, Consumer<Message> callback) {
      this.subscription = subscription;
      this.filter = TopicFilter.of(subscription.filter());
      this.callback = callback;
    }
  }

  private static final class Request<T> {
    final CompletableFuture<T> future;
    final List<String> filters;

    /** A subscription the application asked for and the broker has not confirmed yet. */
    final boolean unconfirmedSubscription;

    Request(CompletableFuture<T> future, List<String> filters, boolean unconfirmedSubscription) {
      this.future = future;
      this.filters = filters;
      this.unconfirmedSubscription = unconfirmedSubscription;
    }
  }
}
