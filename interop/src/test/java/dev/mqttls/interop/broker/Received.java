package dev.mqttls.interop.broker;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A message as a client library delivered it to the test, whatever the library.
 *
 * @param v5 the MQTT 5 properties that the tests look at, empty for 3.1.1
 */
public record Received(
    String topic, String payload, int qos, boolean retained, boolean dup, V5Properties v5) {

  static Received of(String topic, byte[] payload, int qos, boolean retained, boolean dup) {
    return new Received(
        topic, new String(payload, StandardCharsets.UTF_8), qos, retained, dup, V5Properties.NONE);
  }

  /** MQTT 5 PUBLISH properties as received. */
  public record V5Properties(
      List<Integer> subscriptionIdentifiers,
      Map<String, String> userProperties,
      String responseTopic,
      byte[] correlationData,
      Long messageExpiryInterval,
      String contentType) {
    public static final V5Properties NONE =
        new V5Properties(List.of(), Map.of(), null, null, null, null);
  }
}
