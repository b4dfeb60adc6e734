package dev.mqttls.client.internal;

import java.nio.charset.StandardCharsets;

/**
 * Argument checks for the public API: they throw {@link IllegalArgumentException} naming the
 * parameter, so the stack trace points at the caller (the wire path has its own checks in codec).
 */
public final class Validation {
  private Validation() {}

  /** Checks a string is encodable as an MQTT UTF-8 string (MQTT 5 section 1.5.4). */
  public static void checkUtf8String(String what, String s) {
    if (s.getBytes(StandardCharsets.UTF_8).length > 65_535) {
      throw new IllegalArgumentException(what + " is longer than 65535 bytes in UTF-8");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        throw new IllegalArgumentException(what + " holds a NUL character");
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new IllegalArgumentException(what + " holds an unpaired surrogate");
        }
      }
    }
  }

  /** Checks a topic name a message is published to: no wildcards, not empty. */
  public static String topicName(String topic) {
    String problem = dev.mqttls.codec.TopicName.problem(topic);
    if (problem != null) {
      throw new IllegalArgumentException("topic '" + topic + "' " + problem);
    }
    return topic;
  }

  /** Checks a topic filter (MQTT 5 section 4.7): '#' only last and alone, '+' alone in a level. */
  public static String topicFilter(String filter) {
    String problem = dev.mqttls.codec.TopicFilter.problem(filter);
    if (problem != null) {
      throw new IllegalArgumentException("topic filter " + problem);
    }
    return filter;
  }

  /** Whether {@code topic} matches {@code filter} (MQTT 5 section 4.7). */
  public static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("#") || filter.startsWith("+"))) {
      return false;
    }
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    int i = 0;
    for (; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length) {
        return false;
      }
      if (!f[i].equals("+") && !f[i].equals(t[i])) {
        return false;
      }
    }
    return i == t.length;
  }
}
