package dev.mqttls.client;

import dev.mqttls.codec.Qos;
import dev.mqttls.codec.ReasonCode;
import java.util.Objects;
import java.util.Optional;

/**
 * How a publish completed. A QoS 0 message completes when it is written to the connection; QoS 1 on
 * PUBACK; QoS 2 on PUBCOMP. A refused publish (reason code 0x80 or above) completes the future
 * exceptionally instead.
 *
 * @param qos the QoS the message was sent with
 * @param reasonCode the broker's reason code ({@link ReasonCode#SUCCESS} for QoS 0 and MQTT 3.1.1)
 * @param reasonString the broker's reason string, if any
 * @param dropped true when the offline buffer's {@link OfflineBuffer.Overflow#DROP_NEWEST} policy
 *     dropped this message instead of sending it
 */
public record PublishResult(
    Qos qos, ReasonCode reasonCode, Optional<String> reasonString, boolean dropped) {
  /** Checks every part is present. */
  public PublishResult {
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(reasonCode, "reasonCode");
    Objects.requireNonNull(reasonString, "reasonString");
  }
}
