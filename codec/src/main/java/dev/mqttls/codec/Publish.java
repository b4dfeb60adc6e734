package dev.mqttls.codec;

import dev.mqttls.codec.internal.Utf8Decoder;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * PUBLISH: an application message. The payload is a retained slice of the network buffer it was
 * decoded from (or whatever buffer the sender supplied); the packet is {@link ReferenceCounted} by
 * delegating to the payload, so Netty's rules apply: whoever receives a Publish releases it once,
 * and {@link #retain()} before handing it to another owner.
 *
 * <p>Equality compares the payload bytes; {@link #toString()} prints the payload's size only.
 *
 * @param dup whether this is a redelivery (never with QoS 0)
 * @param qos the message's QoS
 * @param retainFlag the retain flag (named so because {@code retain()} belongs to {@link
 *     ReferenceCounted})
 * @param topic the topic name; empty only when {@code properties.topicAlias()} is set (MQTT 5)
 * @param packetId 1..65535 for QoS 1 and 2, 0 for QoS 0
 * @param properties MQTT 5 PUBLISH properties
 * @param payload the application message, not copied
 */
public record Publish(
    boolean dup,
    Qos qos,
    boolean retainFlag,
    String topic,
    int packetId,
    MqttProperties properties,
    ByteBuf payload)
    implements MqttPacket, ReferenceCounted {

  /**
   * Checks the flags, packet id and topic agree with each other.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public Publish {
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    properties = properties == null ? MqttProperties.EMPTY : properties;
    if (qos == Qos.AT_MOST_ONCE) {
      if (packetId != 0) {
        throw new IllegalArgumentException("a QoS 0 PUBLISH has no packet id, got " + packetId);
      }
      if (dup) {
        throw new IllegalArgumentException("a QoS 0 PUBLISH cannot have DUP set");
      }
    } else {
      PacketId.check(packetId);
    }
    if (topic.isEmpty()) {
      if (properties.topicAlias() == null) {
        throw new IllegalArgumentException("topic name is empty and there is no topic alias");
      }
    } else {
      for (int i = 0, n = topic.length(); i < n; i++) {
        char c = topic.charAt(i);
        if (c == '+' || c == '#' || c == 0) {
          throw new IllegalArgumentException("topic name contains '" + c + "'");
        }
      }
    }
  }

  /** A QoS 0 PUBLISH without properties. */
  public static Publish qos0(String topic, ByteBuf payload) {
    return new Publish(false, Qos.AT_MOST_ONCE, false, topic, 0, MqttProperties.EMPTY, payload);
  }

  @Override
  public PacketType type() {
    return PacketType.PUBLISH;
  }

  /** This packet with another packet id and DUP flag, sharing (not retaining) the payload. */
  public Publish withPacketId(int newPacketId, boolean newDup) {
    return new Publish(newDup, qos, retainFlag, topic, newPacketId, properties, payload);
  }

  /**
   * Whether the payload is well-formed UTF-8, as MQTT 5 requires when the Payload Format Indicator
   * is 1 (a receiver may then refuse it with {@link ReasonCode#PAYLOAD_FORMAT_INVALID}). Reads the
   * bytes in place, without decoding them.
   */
  public boolean payloadIsValidUtf8() {
    return Utf8Decoder.isWellFormed(payload, payload.readerIndex(), payload.readableBytes());
  }

  @Override
  public int refCnt() {
    return payload.refCnt();
  }

  @Override
  public Publish retain() {
    payload.retain();
    return this;
  }

  @Override
  public Publish retain(int increment) {
    payload.retain(increment);
    return this;
  }

  @Override
  public Publish touch() {
    payload.touch();
    return this;
  }

  @Override
  public Publish touch(Object hint) {
    payload.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return payload.release();
  }

  @Override
  public boolean release(int decrement) {
    return payload.release(decrement);
  }

  /** Prints the payload's size, never its content. */
  @Override
  public String toString() {
    return "Publish[dup="
        + dup
        + ", qos="
        + qos.code()
        + ", retain="
        + retainFlag
        + ", topic="
        + topic
        + ", packetId="
        + packetId
        + ", properties="
        + properties
        + ", payload=<"
        + (payload.refCnt() > 0 ? payload.readableBytes() + " bytes" : "released")
        + ">]";
  }
}
