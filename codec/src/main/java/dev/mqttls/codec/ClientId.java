package dev.mqttls.codec;

import dev.mqttls.codec.internal.Utf8;

/**
 * A client identifier: any MQTT UTF-8 string (no U+0000, at most 65535 bytes). It may be empty, in
 * which case the server assigns one (MQTT 5) or, for MQTT 3.1.1, only a clean session may connect.
 *
 * @param value the identifier
 */
public record ClientId(String value) {

  /**
   * Checks the identifier.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public ClientId {
    String p = Utf8.problem(value);
    if (p != null) {
      throw new IllegalArgumentException("client identifier " + p);
    }
  }

  /**
   * The client identifier for {@code value}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ClientId of(String value) {
    return new ClientId(value);
  }

  /** Whether the identifier is empty (the server is asked to assign one). */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  /**
   * Whether the identifier is one every MQTT 3.1.1 server must accept: 1 to 23 characters of {@code
   * 0-9a-zA-Z}.
   */
  public boolean isPortable() {
    int n = value.length();
    if (n < 1 || n > 23) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return value;
  }
}
