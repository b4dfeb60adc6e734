package dev.mqttls.client;

import dev.mqttls.client.internal.Validation;
import dev.mqttls.codec.Qos;
import java.util.Objects;

/**
 * A topic filter and its subscription options.
 *
 * @param filter the topic filter (wildcards allowed)
 * @param qos the highest QoS the broker should deliver with
 * @param noLocal MQTT 5: do not receive this client's own publishes
 * @param retainAsPublished MQTT 5: keep the retain flag as the publisher set it
 * @param retainHandling MQTT 5: 0 send retained messages on subscribe, 1 only if the subscription
 *     is new, 2 never
 */
public record Subscription(
    String filter, Qos qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
  /** Checks the filter is well formed and the options in range. */
  public Subscription {
    Validation.topicFilter(filter);
    Objects.requireNonNull(qos, "qos");
    if (retainHandling < 0 || retainHandling > 2) {
      throw new IllegalArgumentException("retainHandling must be 0, 1 or 2, was " + retainHandling);
    }
  }

  /** A subscription to {@code filter} at {@code qos} with default options. */
  public static Subscription of(String filter, Qos qos) {
    return new Subscription(filter, qos, false, false, 0);
  }
}
