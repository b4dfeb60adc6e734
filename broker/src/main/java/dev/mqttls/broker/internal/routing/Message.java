package dev.mqttls.broker.internal.routing;

import dev.mqttls.broker.internal.flow.ReadGate;
import dev.mqttls.codec.EncodedPublish;
import dev.mqttls.codec.MqttEncoder;
import dev.mqttls.codec.MqttVersion;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;

/**
 * An application message on its way through the broker: the PUBLISH as received, when it expires,
 * who sent it, and its encodings for fan-out (made once per protocol family, on first use, and
 * shared by every subscriber on every event loop).
 *
 * <p>Reference-counted: whoever holds a Message owns one reference and releases it when done; the
 * last release frees the payload and the encodings.
 */
public final class Message extends AbstractReferenceCounted {
  private final Publish publish;
  private final long expiresAtNanos;
  private final String origin;
  private final ReadGate originGate;

  // values() clones its array on every call, and this runs once per PUBLISH.
  private static final int VERSIONS = MqttVersion.values().length;

  /** By {@link MqttVersion#ordinal()}; made on first use. */
  private final EncodedPublish[] encodings = new EncodedPublish[VERSIONS];

  /**
   * @param publish the received packet, whose reference this message takes over
   * @param expiresAtNanos {@link dev.mqttls.broker.internal.time.Ticker#nanoTime()} deadline from
   *     Message Expiry, or {@link Long#MAX_VALUE}
   * @param origin client id of the publisher ("" for a will or a stored message)
   * @param originGate the publisher's read gate, to stop reading it under back-pressure; or null
   */
  public Message(Publish publish, long expiresAtNanos, String origin, ReadGate originGate) {
    this.publish = publish;
    this.expiresAtNanos = expiresAtNanos;
    this.origin = origin;
    this.originGate = originGate;
  }

  /**
   * A message for {@code p} (taking over its reference), expiring as its properties say, counted
   * from {@code nowNanos} on the broker's ticker.
   */
  public static Message of(Publish p, String origin, ReadGate originGate, long nowNanos) {
    Long expiry = p.properties().messageExpiryInterval();
    long deadline = expiry == null ? Long.MAX_VALUE : nowNanos + expiry * 1_000_000_000L;
    return new Message(p, deadline, origin, originGate);
  }

  public Publish publish() {
    return publish;
  }

  /**
   * This message as one MQTT 5 PUBLISH, unpooled, DUP off and packet id 1 when QoS is above 0: the
   * self-contained form a journal stores it in and another node receives it in. The caller releases
   * the buffer.
   */
  public ByteBuf encodedForStorage() {
    Publish p = publish;
    Publish plain =
        new Publish(
            false,
            p.qos(),
            p.retainFlag(),
            p.topic(),
            p.qos() == Qos.AT_MOST_ONCE ? 0 : 1,
            p.properties(),
            p.payload());
    return MqttEncoder.encode(plain, MqttVersion.V5, UnpooledByteBufAllocator.DEFAULT);
  }

  /**
   * A copy whose payload is out of the network buffer, for a message kept long (retained, or queued
   * for an offline client), so that it does not pin a pooled chunk. The copy has no packet id of
   * its own (1 stands in for QoS 1/2) and no read gate; this message's reference is kept.
   */
  public Message copied() {
    Publish copy =
        new Publish(
            false,
            publish.qos(),
            publish.retainFlag(),
            publish.topic(),
            publish.qos() == dev.mqttls.codec.Qos.AT_MOST_ONCE ? 0 : 1,
            publish.properties(),
            io.netty.buffer.Unpooled.copiedBuffer(publish.payload()));
    return new Message(copy, expiresAtNanos, origin, null);
  }

  /**
   * An id of this message unique across a cluster, given where it was published and kept by every
   * copy on every node (0: none; a single broker gives none).
   */
  private volatile long clusterId;

  public long clusterId() {
    return clusterId;
  }

  public void clusterId(long id) {
    clusterId = id;
  }

  /** The store's serialized form, made once per message however many sessions store it. */
  private volatile byte[] storedForm;

  public byte[] storedForm() {
    return storedForm;
  }

  public void storedForm(byte[] bytes) {
    storedForm = bytes;
  }

  public long expiresAtNanos() {
    return expiresAtNanos;
  }

  public String origin() {
    return origin;
  }

  /** The publisher's read gate, to slow it down; null for wills and stored messages. */
  public ReadGate originGate() {
    return originGate;
  }

  public boolean hasExpiry() {
    return expiresAtNanos != Long.MAX_VALUE;
  }

  public boolean expired(long now) {
    return expiresAtNanos != Long.MAX_VALUE && now - expiresAtNanos >= 0;
  }

  /** Seconds left until expiry, rounded up and at least 1; only when {@link #hasExpiry()}. */
  public long remainingSeconds(long now) {
    long left = expiresAtNanos - now;
    return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
  }

  /** The fan-out encoding for {@code version}; owned by this message, do not release. */
  public synchronized EncodedPublish encoded(MqttVersion version) {
    int i = version.ordinal();
    if (encodings[i] == null) {
      encodings[i] = EncodedPublish.of(publish, version);
    }
    return encodings[i];
  }

  @Override
  public Message retain() {
    super.retain();
    return this;
  }

  @Override
  public Message touch(Object hint) {
    return this;
  }

  @Override
  protected void deallocate() {
    synchronized (this) {
      for (EncodedPublish e : encodings) {
        if (e != null) {
          e.release();
        }
      }
    }
    publish.release();
  }
}
