package dev.mqttls.broker.internal.routing;

/** Topic and filter helpers shared by the topic tree, the retained store and the ACL. */
public final class Topics {
  private Topics() {}

  /** Splits on '/' keeping empty levels ("a//b" has three levels, "/a" two). */
  public static String[] levels(String topic) {
    int count = 1;
    for (int i = 0; i < topic.length(); i++) {
      if (topic.charAt(i) == '/') {
        count++;
      }
    }
    String[] out = new String[count];
    int start = 0;
    int k = 0;
    for (int i = 0; i < topic.length(); i++) {
      if (topic.charAt(i) == '/') {
        out[k++] = topic.substring(start, i);
        start = i + 1;
      }
    }
    out[k] = topic.substring(start);
    return out;
  }

  /** Levels in {@code topic}, counted without splitting it. */
  public static int levelCount(String topic) {
    int count = 1;
    for (int i = 0; i < topic.length(); i++) {
      if (topic.charAt(i) == '/') {
        count++;
      }
    }
    return count;
  }

  /** Length of {@code s} in UTF-8, counted without encoding it. */
  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x80) {
        n++;
      } else if (ch < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(ch)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Why {@code topic} (a name or filter) exceeds the broker's limits, for the log; null when it
   * does not.
   */
  public static String overLimit(String topic, int maxLevels, int maxBytes) {
    int levels = levelCount(topic);
    if (levels > maxLevels) {
      return levels + " levels, more than max_topic_levels " + maxLevels;
    }
    int bytes = utf8Length(topic);
    if (bytes > maxBytes) {
      return bytes + " bytes, more than max_topic_bytes " + maxBytes;
    }
    return null;
  }

  /** Whether {@code filter} (no share prefix) matches {@code topic}, by the MQTT rules. */
  public static boolean matches(String filter, String topic) {
    String[] f = levels(filter);
    String[] t = levels(topic);
    if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
      return false;
    }
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
