package dev.mqttls.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * The will message of a CONNECT: published by the server when the connection ends without a normal
 * DISCONNECT. The payload array is copied in and out.
 *
 * @param topic the topic the will is published to
 * @param payload the will payload (may be empty)
 * @param qos the will's QoS
 * @param retain whether the will is retained
 * @param properties MQTT 5 will properties (Will Delay Interval, Message Expiry, ...); {@link
 *     MqttProperties#EMPTY} for 3.1.1
 */
public record Will(
    TopicName topic, byte[] payload, Qos qos, boolean retain, MqttProperties properties) {

  /** Checks for missing values and copies the payload. */
  public Will {
    Objects.requireNonNull(topic, "topic");
    payload = Objects.requireNonNull(payload, "payload").clone();
    Objects.requireNonNull(qos, "qos");
    properties = properties == null ? MqttProperties.EMPTY : properties;
  }

  /** A copy of the will payload. */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The payload length, without copying it. */
  public int payloadLength() {
    return payload.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Will w
        && topic.equals(w.topic)
        && Arrays.equals(payload, w.payload)
        && qos == w.qos
        && retain == w.retain
        && properties.equals(w.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, properties);
  }

  /** Prints the payload's size, never its content. */
  @Override
  public String toString() {
    return "Will[topic="
        + topic
        + ", payload=<"
        + payload.length
        + " bytes>, qos="
        + qos
        + ", retain="
        + retain
        + ", properties="
        + properties
        + "]";
  }
}
