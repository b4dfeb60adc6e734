package dev.mqttls.codec;

import dev.mqttls.codec.internal.Utf8;

/**
 * A topic name a message is published to: non-empty, without the wildcards {@code +} and {@code #},
 * without U+0000, at most 65535 bytes in UTF-8.
 *
 * @param value the topic as a string
 */
public record TopicName(String value) {

  /**
   * Checks the topic name.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public TopicName {
    String p = problem(value);
    if (p != null) {
      throw new IllegalArgumentException("topic name " + p);
    }
  }

  /**
   * The topic name for {@code value}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static TopicName of(String value) {
    return new TopicName(value);
  }

  /**
   * What is wrong with {@code value} as a topic name, or {@code null} if it is valid. The decoder's
   * wire path uses this to produce a decode error instead of an exception.
   */
  public static String problem(String value) {
    if (value == null) {
      return "is missing";
    }
    if (value.isEmpty()) {
      return "is empty";
    }
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if (c == '+' || c == '#') {
        return "contains the wildcard '" + c + "'";
      }
    }
    return Utf8.problem(value);
  }

  /** Whether the topic starts with {@code $} and so is not matched by top-level wildcards. */
  public boolean isDollarTopic() {
    return value.charAt(0) == '$';
  }

  @Override
  public String toString() {
    return value;
  }
}
