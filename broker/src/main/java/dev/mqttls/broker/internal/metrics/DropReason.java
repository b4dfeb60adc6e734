package dev.mqttls.broker.internal.metrics;

import java.util.Locale;

/** Why a PUBLISH was not delivered to a client, as {@code mqttls_publish_dropped_total} counts. */
public enum DropReason {
  /** The client does not keep up: its queue reached max_queued_messages or max_queued_bytes. */
  QUEUE_FULL,
  /** Larger than message_size_limit (inbound). */
  TOO_LARGE,
  /** Larger than the subscriber's MQTT 5 Maximum Packet Size (outbound). */
  CLIENT_MAXIMUM_PACKET_SIZE,
  /** The publisher may not write to the topic (acl_file). */
  NOT_AUTHORIZED;

  /** The label value: lower case. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
