package dev.mqttls.client;

import dev.mqttls.codec.ReasonCode;
import java.util.List;
import java.util.Optional;

/**
 * The broker's answer to a SUBSCRIBE: one reason code per topic filter, in request order. A filter
 * the broker refused (code 0x80 or above) completes the future exceptionally instead.
 *
 * @param reasonCodes the granted QoS (as {@link ReasonCode#GRANTED_QOS_0} .. 2) per filter
 * @param reasonString the broker's reason string, if any
 */
public record SubscribeResult(List<ReasonCode> reasonCodes, Optional<String> reasonString) {
  /** Copies the list. */
  public SubscribeResult {
    reasonCodes = List.copyOf(reasonCodes);
    java.util.Objects.requireNonNull(reasonString, "reasonString");
  }
}
