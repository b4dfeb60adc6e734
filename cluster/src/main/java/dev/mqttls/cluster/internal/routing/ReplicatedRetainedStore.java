package dev.mqttls.cluster.internal.routing;

import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.routing.RetainedStore;
import dev.mqttls.broker.internal.time.Ticker;
import dev.mqttls.cluster.internal.wire.Frame;
import dev.mqttls.codec.MqttProperties;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.Unpooled;
import java.util.Map;
import java.util.function.Consumer;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryRemoved;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retained messages cluster-wide: every node keeps all of them in its own in-memory store (a new
 * subscription reads them there, at local speed) and every change goes through an Infinispan
 * replicated cache to the others. {@code $} topics ({@code $SYS}) stay on their node. Message
 * Expiry counts again from when a node learns of the message.
 */
@Listener(observation = Listener.Observation.POST)
public final class ReplicatedRetainedStore implements RetainedStore {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  private final RetainedStore local;
  private final Cache<String, byte[]> cache;
  private final Ticker ticker;

  public ReplicatedRetainedStore(RetainedStore local, Cache<String, byte[]> cache, Ticker ticker) {
    this.local = local;
    this.cache = cache;
    this.ticker = ticker;
  }

  /** Fills this node's store with what the cluster holds, then follows the others' changes. */
  public void start() {
    cache.addListener(this);
    for (Map.Entry<String, byte[]> e : cache.entrySet()) {
      learn(e.getKey(), e.getValue());
    }
  }

  @Override
  public void put(String topic, Message message) {
    boolean clear = message.publish().payload().readableBytes() == 0;
    if (!topic.startsWith("$")) {
      if (clear) {
        cache.removeAsync(topic);
      } else {
        cache.putAsync(topic, Frame.publish(0, message));
      }
    }
    local.put(topic, message);
  }

  @Override
  public void forEachMatching(String filter, Consumer<Message> sink) {
    local.forEachMatching(filter, sink);
  }

  @Override
  public int size() {
    return local.size();
  }

  @Override
  public void clear() {
    local.clear();
  }

  @CacheEntryCreated
  @CacheEntryModified
  public void changed(CacheEntryEvent<String, byte[]> e) {
    if (!e.isOriginLocal() && e.getValue() != null) {
      learn(e.getKey(), e.getValue());
    }
  }

  @CacheEntryRemoved
  public void removed(CacheEntryEvent<String, byte[]> e) {
    if (!e.isOriginLocal()) {
      Publish empty =
          new Publish(
              false,
              Qos.AT_MOST_ONCE,
              true,
              e.getKey(),
              0,
              MqttProperties.EMPTY,
              Unpooled.EMPTY_BUFFER);
      local.put(e.getKey(), new Message(empty, Long.MAX_VALUE, "", null));
    }
  }

  private void learn(String topic, byte[] frame) {
    try {
      Publish p = Frame.packet(frame, 0, frame.length);
      // Decoded from an unpooled copy: nothing pins a network buffer.
      local.put(topic, Message.of(p, Frame.origin(frame, 0), null, ticker.nanoTime()));
    } catch (RuntimeException ex) {
      LOG.warn(
          "Cluster: retained message of {} from another node unreadable: {}", topic, ex.toString());
    }
  }
}
