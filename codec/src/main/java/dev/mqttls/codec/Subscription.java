package dev.mqttls.codec;

import java.util.Objects;

/**
 * One entry of a SUBSCRIBE: a topic filter and its subscription options.
 *
 * @param filter the topic filter
 * @param maxQos the maximum QoS the subscriber accepts
 * @param noLocal MQTT 5 No Local: do not send the subscriber its own messages
 * @param retainAsPublished MQTT 5 Retain As Published: keep the retain flag as published
 * @param retainHandling MQTT 5 Retain Handling: 0 send retained on subscribe, 1 only for a new
 *     subscription, 2 never
 */
public record Subscription(
    TopicFilter filter,
    Qos maxQos,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling) {

  /** Checks the options. */
  public Subscription {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(maxQos, "maxQos");
    if (retainHandling < 0 || retainHandling > 2) {
      throw new IllegalArgumentException("retainHandling must be 0, 1 or 2, was " + retainHandling);
    }
    if (noLocal && filter.isShared()) {
      throw new IllegalArgumentException("No Local cannot be set on a shared subscription");
    }
  }

  /** A subscription with default MQTT 5 options. */
  public Subscription(TopicFilter filter, Qos maxQos) {
    this(filter, maxQos, false, false, 0);
  }
}
