package dev.mqttls.cluster.internal.session;

import org.infinispan.distribution.group.Grouper;

/**
 * Keys of the distributed session cache: {@code CLIENT \0 KIND [SUFFIX]}. MQTT client ids hold no
 * U+0000 (MQTT 1.5.4), so the client id is everything before the first NUL, and it is the group of
 * the key: every entry of one session lives on the same owners, and one {@code getGroup} reads the
 * session back.
 *
 * <pre>
 *   S          the session record (subscriptions, expiry)
 *   M seq      a QoS 1/2 message queued or in flight (the journal's message value)
 *   P seq      the packet id message seq went out with
 *   R id       an outgoing QoS 2 packet id released (PUBREL sent), awaiting PUBCOMP
 *   Q id       an incoming QoS 2 packet id awaiting PUBREL
 * </pre>
 */
final class SessionKeys {
  static final char SESSION = 'S';
  static final char MESSAGE = 'M';
  static final char PACKET_ID = 'P';
  static final char PUBREL = 'R';
  static final char INCOMING_QOS2 = 'Q';

  private SessionKeys() {}

  static String key(String clientId, char kind) {
    return clientId + '\0' + kind;
  }

  static String key(String clientId, char kind, long suffix) {
    return clientId + '\0' + kind + suffix;
  }

  /** The kind of {@code key}, or 0 when it is not one of ours. */
  static char kind(String key) {
    int nul = key.indexOf('\0');
    return nul < 0 || nul + 1 >= key.length() ? 0 : key.charAt(nul + 1);
  }

  /** The number after the kind. */
  static long suffix(String key) {
    return Long.parseLong(key.substring(key.indexOf('\0') + 2));
  }

  /** Groups every key of a session under its client id. */
  static final class ByClient implements Grouper<String> {
    @Override
    public Object computeGroup(String key, Object group) {
      int nul = key.indexOf('\0');
      return nul < 0 ? group : key.substring(0, nul);
    }

    @Override
    public Class<String> getKeyType() {
      return String.class;
    }
  }
}
