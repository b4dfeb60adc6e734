package dev.mqttls.codec;

import dev.mqttls.codec.internal.PacketEncoder;
import dev.mqttls.codec.internal.PropertiesEncoder;
import dev.mqttls.codec.internal.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.util.List;

/**
 * A PUBLISH encoded once for fan-out to many subscribers of one protocol version: the topic, the
 * shared properties and the payload are prepared once; {@link #forSubscriber} then produces each
 * subscriber's packet, patching in only what differs per subscriber (QoS, packet id, DUP, RETAIN,
 * Topic Alias, Subscription Identifiers). Payloads of at least {@link #SHARE_THRESHOLD} bytes are
 * not copied: each subscriber's buffer is a composite of a small header and a retained duplicate of
 * the one payload buffer. Smaller payloads are copied into one buffer, which costs less than a
 * composite.
 *
 * <p>How a broker uses it, on the publisher's event loop:
 *
 * <pre>{@code
 * EncodedPublish enc = EncodedPublish.of(publish, MqttVersion.V5); // once per version in use
 * for (Subscriber s : matches) {
 *   ByteBuf bytes = enc.forSubscriber(s.alloc(), s.qos(), s.nextPacketId(), false,
 *       retainAsPublished ? publish.retainFlag() : false, 0, false, s.subscriptionIds());
 *   s.channel().write(bytes); // MqttEncoder passes ByteBufs through; the buffer is released on write
 * }
 * enc.release(); // the subscribers' buffers keep the payload alive as long as they need it
 * }</pre>
 *
 * <p>Before writing, check {@link #encodedSize} against the subscriber's Maximum Packet Size (MQTT
 * 5): a PUBLISH that does not fit must not be sent. Message Expiry Interval is encoded as given, so
 * a message held back for an offline subscriber needs a fresh encoding with the remaining interval.
 * Thread-safe after construction (immutable apart from its reference count).
 */
public final class EncodedPublish extends AbstractReferenceCounted {
  /** Payloads of this many bytes or more are shared, smaller ones copied. */
  public static final int SHARE_THRESHOLD = 512;

  private final MqttVersion version;
  private final byte[] topic;
  private final ByteBuf sharedProperties;
  private final ByteBuf payload;

  private EncodedPublish(MqttVersion version, byte[] topic, ByteBuf sharedProps, ByteBuf payload) {
    this.version = version;
    this.topic = topic;
    this.sharedProperties = sharedProps;
    this.payload = payload;
  }

  /**
   * Prepares {@code publish} for fan-out in {@code version}. The publish's own DUP, QoS, packet id,
   * Topic Alias and Subscription Identifiers are ignored (they are per subscriber). The payload is
   * retained, not copied; the caller still owns (and releases) {@code publish}.
   *
   * @throws IllegalArgumentException if the publish has no topic name (only an alias)
   */
  public static EncodedPublish of(Publish publish, MqttVersion version) {
    if (publish.topic().isEmpty()) {
      throw new IllegalArgumentException(
          "a PUBLISH for fan-out needs its topic name, not an alias");
    }
    ByteBuf props = Unpooled.EMPTY_BUFFER;
    if (version == MqttVersion.V5) {
      int n = PropertiesEncoder.size(publish.properties(), false);
      if (n > 0) {
        props = Unpooled.buffer(n, n);
        PropertiesEncoder.write(props, publish.properties(), false);
      }
    }
    return new EncodedPublish(
        version, Wire.prefixedUtf8(publish.topic()), props, publish.payload().retainedDuplicate());
  }

  /** The protocol version this encoding is for. */
  public MqttVersion version() {
    return version;
  }

  /**
   * The size in bytes of the packet {@link #forSubscriber} would produce with these arguments,
   * fixed header included; compare it with the subscriber's Maximum Packet Size.
   */
  public int encodedSize(
      Qos qos, int topicAlias, boolean omitTopic, List<Integer> subscriptionIds) {
    int rl = remainingLength(qos, topicAlias, omitTopic, subscriptionIds);
    return 1 + Wire.varIntSize(rl) + rl;
  }

  private int propertiesLength(int topicAlias, List<Integer> subscriptionIds) {
    int n = sharedProperties.readableBytes();
    if (topicAlias > 0) {
      n += 3;
    }
    for (int i = 0, c = subscriptionIds.size(); i < c; i++) {
      n += 1 + Wire.varIntSize(subscriptionIds.get(i));
    }
    return n;
  }

  private int remainingLength(
      Qos qos, int topicAlias, boolean omitTopic, List<Integer> subscriptionIds) {
    int n = (omitTopic ? 2 : topic.length) + (qos == Qos.AT_MOST_ONCE ? 0 : 2);
    if (version == MqttVersion.V5) {
      int p = propertiesLength(topicAlias, subscriptionIds);
      n += Wire.varIntSize(p) + p;
    }
    return n + payload.readableBytes();
  }

  /**
   * One subscriber's PUBLISH, ready to write. The caller owns the returned buffer.
   *
   * @param alloc the subscriber channel's allocator
   * @param qos the QoS of this delivery (the lower of message and subscription QoS)
   * @param packetId the subscriber session's packet id, 0 for QoS 0
   * @param dup the DUP flag (a redelivery)
   * @param retain the RETAIN flag as this subscriber gets it
   * @param topicAlias the Topic Alias to send (MQTT 5), 0 for none
   * @param omitTopic send an empty topic name, relying on an alias the subscriber already knows
   * @param subscriptionIds the Subscription Identifiers of the subscriber's matching subscriptions
   *     (MQTT 5), empty for none
   * @throws IllegalArgumentException if the flags contradict each other
   */
  public ByteBuf forSubscriber(
      ByteBufAllocator alloc,
      Qos qos,
      int packetId,
      boolean dup,
      boolean retain,
      int topicAlias,
      boolean omitTopic,
      List<Integer> subscriptionIds) {
    check(qos, packetId, dup, topicAlias, omitTopic, subscriptionIds);
    int payloadLength = payload.readableBytes();
    int rl = remainingLength(qos, topicAlias, omitTopic, subscriptionIds);
    int headerLength = 1 + Wire.varIntSize(rl) + rl - payloadLength;
    boolean share = payloadLength >= SHARE_THRESHOLD;
    ByteBuf out = alloc.buffer(share ? headerLength : headerLength + payloadLength);
    writeHeader(out, rl, qos, packetId, dup, retain, topicAlias, omitTopic, subscriptionIds);
    if (!share) {
      out.writeBytes(payload, payload.readerIndex(), payloadLength);
      return out;
    }
    CompositeByteBuf c = alloc.compositeBuffer(2);
    c.addComponents(true, out, payload.retainedDuplicate());
    return c;
  }

  /**
   * Writes one subscriber's PUBLISH, payload copied, into {@code out} (for example a buffer that
   * collects several packets before a flush). Arguments as for {@link #forSubscriber}; {@code out}
   * must have room for {@link #encodedSize} bytes or be able to grow.
   */
  public void writeTo(
      ByteBuf out,
      Qos qos,
      int packetId,
      boolean dup,
      boolean retain,
      int topicAlias,
      boolean omitTopic,
      List<Integer> subscriptionIds) {
    check(qos, packetId, dup, topicAlias, omitTopic, subscriptionIds);
    int rl = remainingLength(qos, topicAlias, omitTopic, subscriptionIds);
    writeHeader(out, rl, qos, packetId, dup, retain, topicAlias, omitTopic, subscriptionIds);
    out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
  }

  /**
   * One subscriber's delivery as a message to write to its channel: {@link MqttEncoder} encodes it,
   * into its coalescing buffer when that is on ({@link MqttEncoder#setCoalescing}). The delivery
   * holds one reference to this encoding (taken here), which the encoder releases.
   *
   * @throws IllegalArgumentException if the flags contradict each other
   */
  public Delivery delivery(
      Qos qos,
      int packetId,
      boolean dup,
      boolean retain,
      int topicAlias,
      boolean omitTopic,
      List<Integer> subscriptionIds) {
    check(qos, packetId, dup, topicAlias, omitTopic, subscriptionIds);
    retain();
    return new Delivery(this, qos, packetId, dup, retain, topicAlias, omitTopic, subscriptionIds);
  }

  /** The payload's size in bytes. */
  public int payloadSize() {
    return payload.readableBytes();
  }

  private void check(
      Qos qos,
      int packetId,
      boolean dup,
      int topicAlias,
      boolean omitTopic,
      List<Integer> subscriptionIds) {
    if (qos == Qos.AT_MOST_ONCE ? packetId != 0 || dup : !PacketId.isValid(packetId)) {
      throw new IllegalArgumentException(
          "packet id " + packetId + " / DUP " + dup + " do not fit QoS " + qos.code());
    }
    if ((topicAlias != 0 || omitTopic || !subscriptionIds.isEmpty()) && version != MqttVersion.V5) {
      throw new IllegalArgumentException("topic aliases and subscription ids need MQTT 5");
    }
    if (topicAlias < 0 || topicAlias > 0xFFFF || (omitTopic && topicAlias == 0)) {
      throw new IllegalArgumentException("bad topic alias " + topicAlias);
    }
  }

  private void writeHeader(
      ByteBuf out,
      int rl,
      Qos qos,
      int packetId,
      boolean dup,
      boolean retain,
      int topicAlias,
      boolean omitTopic,
      List<Integer> subscriptionIds) {
    out.writeByte(0x30 | (dup ? 0x08 : 0) | (qos.code() << 1) | (retain ? 1 : 0));
    Wire.writeVarInt(out, rl);
    if (omitTopic) {
      out.writeShort(0);
    } else {
      out.writeBytes(topic);
    }
    if (qos != Qos.AT_MOST_ONCE) {
      out.writeShort(packetId);
    }
    if (version == MqttVersion.V5) {
      PacketEncoder.writeFanoutProps(
          out, propertiesLength(topicAlias, subscriptionIds), topicAlias, subscriptionIds);
      out.writeBytes(
          sharedProperties, sharedProperties.readerIndex(), sharedProperties.readableBytes());
    }
  }

  /**
   * One subscriber's PUBLISH from a shared encoding, as a message for {@link MqttEncoder}. Made by
   * {@link EncodedPublish#delivery}; reference-counted through the encoding it holds, so releasing
   * it (as the encoder does once it has written it) releases that reference.
   */
  public static final class Delivery implements ReferenceCounted {
    private final EncodedPublish encoding;
    private final Qos qos;
    private final int packetId;
    private final boolean dup;
    private final boolean retainFlag;
    private final int topicAlias;
    private final boolean omitTopic;
    private final List<Integer> subscriptionIds;

    private Delivery(
        EncodedPublish encoding,
        Qos qos,
        int packetId,
        boolean dup,
        boolean retainFlag,
        int topicAlias,
        boolean omitTopic,
        List<Integer> subscriptionIds) {
      this.encoding = encoding;
      this.qos = qos;
      this.packetId = packetId;
      this.dup = dup;
      this.retainFlag = retainFlag;
      this.topicAlias = topicAlias;
      this.omitTopic = omitTopic;
      this.subscriptionIds = subscriptionIds;
    }

    /** The packet id of this delivery (0 for QoS 0). */
    public int packetId() {
      return packetId;
    }

    /** The size of this PUBLISH on the wire. */
    public int encodedSize() {
      return encoding.encodedSize(qos, topicAlias, omitTopic, subscriptionIds);
    }

    /** The encoding's protocol version. */
    public MqttVersion version() {
      return encoding.version();
    }

    /** Whether the payload is large enough to be shared rather than copied. */
    boolean sharesPayload() {
      return encoding.payloadSize() >= SHARE_THRESHOLD;
    }

    /** This PUBLISH as its own buffer (payload shared when large). */
    ByteBuf toBuffer(ByteBufAllocator alloc) {
      return encoding.forSubscriber(
          alloc, qos, packetId, dup, retainFlag, topicAlias, omitTopic, subscriptionIds);
    }

    /** Appends this PUBLISH to {@code out}, payload copied. */
    void writeTo(ByteBuf out) {
      encoding.writeTo(out, qos, packetId, dup, retainFlag, topicAlias, omitTopic, subscriptionIds);
    }

    @Override
    public int refCnt() {
      return encoding.refCnt();
    }

    @Override
    public Delivery retain() {
      encoding.retain();
      return this;
    }

    @Override
    public Delivery retain(int increment) {
      encoding.retain(increment);
      return this;
    }

    @Override
    public Delivery touch() {
      encoding.touch();
      return this;
    }

    @Override
    public Delivery touch(Object hint) {
      encoding.touch(hint);
      return this;
    }

    @Override
    public boolean release() {
      return encoding.release();
    }

    @Override
    public boolean release(int decrement) {
      return encoding.release(decrement);
    }

    @Override
    public String toString() {
      return "Delivery[qos=" + qos.code() + ", packetId=" + packetId + ", dup=" + dup + "]";
    }
  }

  @Override
  protected void deallocate() {
    payload.release();
  }

  @Override
  public EncodedPublish touch(Object hint) {
    payload.touch(hint);
    return this;
  }

  @Override
  public EncodedPublish retain() {
    super.retain();
    return this;
  }
}
