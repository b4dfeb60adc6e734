package dev.mqttls.codec;

import dev.mqttls.codec.internal.Utf8;

/**
 * An MQTT 5 user property: a name and value pair of UTF-8 strings. The same name may occur more
 * than once in a packet and order is kept.
 *
 * @param name the property name, a valid MQTT UTF-8 string
 * @param value the property value, a valid MQTT UTF-8 string
 */
public record UserProperty(String name, String value) {

  /** Checks both strings are valid MQTT UTF-8 strings. */
  public UserProperty {
    Utf8.requireValid(name, "user property name");
    Utf8.requireValid(value, "user property value");
  }
}
