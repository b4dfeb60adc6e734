package dev.mqttls.client;

import dev.mqttls.client.internal.Validation;
import dev.mqttls.codec.UserProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The MQTT 5 properties of a PUBLISH that an application sees. An MQTT 3.1.1 connection carries
 * none of them: they are dropped when publishing and empty when receiving. Build with {@link
 * #builder()}; {@link #NONE} has no property set.
 */
public final class MessageProperties {
  /** No property set. */
  public static final MessageProperties NONE = new Builder().build();

  private final Boolean payloadUtf8;
  private final Long messageExpirySeconds;
  private final String contentType;
  private final String responseTopic;
  private final byte[] correlationData;
  private final List<UserProperty> userProperties;
  private final List<Integer> subscriptionIdentifiers;

  private MessageProperties(Builder b) {
    this.payloadUtf8 = b.payloadUtf8;
    this.messageExpirySeconds = b.messageExpirySeconds;
    this.contentType = b.contentType;
    this.responseTopic = b.responseTopic;
    this.correlationData = b.correlationData;
    this.userProperties = List.copyOf(b.userProperties);
    this.subscriptionIdentifiers = List.copyOf(b.subscriptionIdentifiers);
  }

  /** A builder with no property set. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these properties. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.payloadUtf8 = payloadUtf8;
    b.messageExpirySeconds = messageExpirySeconds;
    b.contentType = contentType;
    b.responseTopic = responseTopic;
    b.correlationData = correlationData;
    b.userProperties.addAll(userProperties);
    b.subscriptionIdentifiers.addAll(subscriptionIdentifiers);
    return b;
  }

  /** The payload format indicator: true when the sender says the payload is UTF-8 text. */
  public Optional<Boolean> payloadUtf8() {
    return Optional.ofNullable(payloadUtf8);
  }

  /** The message expiry interval in seconds. */
  public OptionalLong messageExpirySeconds() {
    return messageExpirySeconds == null
        ? OptionalLong.empty()
        : OptionalLong.of(messageExpirySeconds);
  }

  /** The content type, a MIME type by convention. */
  public Optional<String> contentType() {
    return Optional.ofNullable(contentType);
  }

  /** The topic a request's response should be published to. */
  public Optional<String> responseTopic() {
    return Optional.ofNullable(responseTopic);
  }

  /** The correlation data matching a response to its request (a copy). */
  public Optional<byte[]> correlationData() {
    return Optional.ofNullable(correlationData).map(byte[]::clone);
  }

  /** The user properties in the order they were sent. */
  public List<UserProperty> userProperties() {
    return userProperties;
  }

  /** The identifiers of the subscriptions that matched (received messages only). */
  public List<Integer> subscriptionIdentifiers() {
    return subscriptionIdentifiers;
  }

  /** Whether no property is set. */
  public boolean isEmpty() {
    return payloadUtf8 == null
        && messageExpirySeconds == null
        && contentType == null
        && responseTopic == null
        && correlationData == null
        && userProperties.isEmpty()
        && subscriptionIdentifiers.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MessageProperties p
        && Objects.equals(payloadUtf8, p.payloadUtf8)
        && Objects.equals(messageExpirySeconds, p.messageExpirySeconds)
        && Objects.equals(contentType, p.contentType)
        && Objects.equals(responseTopic, p.responseTopic)
        && Arrays.equals(correlationData, p.correlationData)
        && userProperties.equals(p.userProperties)
        && subscriptionIdentifiers.equals(p.subscriptionIdentifiers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        payloadUtf8,
        messageExpirySeconds,
        contentType,
        responseTopic,
        Arrays.hashCode(correlationData),
        userProperties,
        subscriptionIdentifiers);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("MessageProperties[");
    if (payloadUtf8 != null) sb.append("payloadUtf8=").append(payloadUtf8).append(' ');
    if (messageExpirySeconds != null) sb.append("expiry=").append(messageExpirySeconds).append(' ');
    if (contentType != null) sb.append("contentType=").append(contentType).append(' ');
    if (responseTopic != null) sb.append("responseTopic=").append(responseTopic).append(' ');
    if (correlationData != null)
      sb.append("correlationData=").append(correlationData.length).append(" bytes ");
    if (!userProperties.isEmpty()) sb.append("user=").append(userProperties).append(' ');
    if (!subscriptionIdentifiers.isEmpty()) sb.append("subIds=").append(subscriptionIdentifiers);
    return sb.toString().strip() + "]";
  }

  /** Builds {@link MessageProperties}; each setter validates its argument. */
  public static final class Builder {
    private Boolean payloadUtf8;
    private Long messageExpirySeconds;
    private String contentType;
    private String responseTopic;
    private byte[] correlationData;
    private final List<UserProperty> userProperties = new ArrayList<>();
    private final List<Integer> subscriptionIdentifiers = new ArrayList<>();

    private Builder() {}

    /** Says whether the payload is UTF-8 text (payload format indicator 1) or bytes (0). */
    public Builder payloadUtf8(boolean utf8) {
      this.payloadUtf8 = utf8;
      return this;
    }

    /** Sets the message expiry interval, 0 to 4294967295 seconds. */
    public Builder messageExpirySeconds(long seconds) {
      if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            "message expiry must be 0..4294967295 s, was " + seconds);
      }
      this.messageExpirySeconds = seconds;
      return this;
    }

    /** Sets the content type. */
    public Builder contentType(String contentType) {
      Validation.checkUtf8String(
          "content type", Objects.requireNonNull(contentType, "contentType"));
      this.contentType = contentType;
      return this;
    }

    /** Sets the response topic (a topic name, no wildcards). */
    public Builder responseTopic(String topic) {
      this.responseTopic = Validation.topicName(topic);
      return this;
    }

    /** Sets the correlation data (copied). */
    public Builder correlationData(byte[] data) {
      Objects.requireNonNull(data, "correlationData");
      if (data.length > 65_535) {
        throw new IllegalArgumentException("correlation data is longer than 65535 bytes");
      }
      this.correlationData = data.clone();
      return this;
    }

    /** Adds a user property. */
    public Builder userProperty(String name, String value) {
      userProperties.add(new UserProperty(name, value));
      return this;
    }

    /** Adds a subscription identifier (set by the client library for received messages). */
    public Builder subscriptionIdentifier(int id) {
      if (id < 1 || id > 268_435_455) {
        throw new IllegalArgumentException(
            "subscription identifier must be 1..268435455, was " + id);
      }
      subscriptionIdentifiers.add(id);
      return this;
    }

    /** The immutable properties. */
    public MessageProperties build() {
      return new MessageProperties(this);
    }
  }
}
