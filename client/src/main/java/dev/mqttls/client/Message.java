package dev.mqttls.client;

import dev.mqttls.client.internal.Validation;
import dev.mqttls.codec.Qos;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An application message: what is published and what a subscription delivers. It has no packet
 * identifier or DUP flag; those belong to the connection that carries it.
 *
 * <p>Immutable: the payload is copied in and out. {@link #toString()} shows the payload's size,
 * never its content.
 */
public final class Message {
  private final String topic;
  private final byte[] payload;
  private final Qos qos;
  private final boolean retain;
  private final MessageProperties properties;

  private Message(String topic, byte[] payload, Qos qos, boolean retain, MessageProperties props) {
    this.topic = topic;
    this.payload = payload;
    this.qos = qos;
    this.retain = retain;
    this.properties = props;
  }

  /** A builder for a message to {@code topic} (a topic name: no wildcards). */
  public static Builder builder(String topic) {
    return new Builder(Validation.topicName(topic));
  }

  /** A QoS 0, non-retained message with a UTF-8 payload. */
  public static Message of(String topic, String payload) {
    return builder(topic).payload(payload).build();
  }

  /** A builder starting from this message. */
  public Builder toBuilder() {
    Builder b = new Builder(topic);
    b.payload = payload;
    b.qos = qos;
    b.retain = retain;
    b.properties = properties;
    return b;
  }

  /** The topic name. */
  public String topic() {
    return topic;
  }

  /** A copy of the payload. */
  public byte[] payload() {
    return payload.clone();
  }

  /** A read-only view of the payload, without copying it. */
  public java.nio.ByteBuffer payloadBuffer() {
    return java.nio.ByteBuffer.wrap(payload).asReadOnlyBuffer();
  }

  /** The payload size in bytes. */
  public int payloadSize() {
    return payload.length;
  }

  /** The payload decoded as UTF-8 (malformed sequences replaced). */
  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }

  /** The quality of service. */
  public Qos qos() {
    return qos;
  }

  /** Whether the message is (to be) retained, or was delivered from the broker's retained store. */
  public boolean retain() {
    return retain;
  }

  /** The MQTT 5 properties ({@link MessageProperties#NONE} over MQTT 3.1.1). */
  public MessageProperties properties() {
    return properties;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m
        && topic.equals(m.topic)
        && Arrays.equals(payload, m.payload)
        && qos == m.qos
        && retain == m.retain
        && properties.equals(m.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, properties);
  }

  @Override
  public String toString() {
    return "Message[topic="
        + topic
        + ", qos="
        + qos.code()
        + ", retain="
        + retain
        + ", payload="
        + payload.length
        + " bytes"
        + (properties.isEmpty() ? "" : ", " + properties)
        + "]";
  }

  /** Builds a {@link Message}; each setter validates its argument. */
  public static final class Builder {
    private final String topic;
    private byte[] payload = new byte[0];
    private Qos qos = Qos.AT_MOST_ONCE;
    private boolean retain;
    private MessageProperties properties = MessageProperties.NONE;

    private Builder(String topic) {
      this.topic = topic;
    }

    /** Sets the payload (copied); the default is empty. */
    public Builder payload(byte[] payload) {
      Objects.requireNonNull(payload, "payload");
      if (payload.length > 268_435_455) {
        throw new IllegalArgumentException("payload is larger than MQTT's 256 MB limit");
      }
      this.payload = payload.clone();
      return this;
    }

    /** Sets the payload to {@code text} in UTF-8. */
    public Builder payload(String text) {
      return payload(Objects.requireNonNull(text, "payload").getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the quality of service; the default is {@link Qos#AT_MOST_ONCE}. */
    public Builder qos(Qos qos) {
      this.qos = Objects.requireNonNull(qos, "qos");
      return this;
    }

    /** Sets whether the broker retains the message. */
    public Builder retain(boolean retain) {
      this.retain = retain;
      return this;
    }

    /** Sets the MQTT 5 properties. */
    public Builder properties(MessageProperties properties) {
      this.properties = Objects.requireNonNull(properties, "properties");
      return this;
    }

    /** The immutable message. */
    public Message build() {
      return new Message(topic, payload, qos, retain, properties);
    }
  }
}
