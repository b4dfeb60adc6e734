package dev.mqttls.broker.internal.connection;

import java.util.HashMap;
import java.util.Map;

/**
 * The topic aliases of one MQTT 5 connection, both ways (MQTT 5 section 3.3.2.3.4): those the
 * client set for its PUBLISHes to us, and those we give the client for ours, first come first
 * served up to the client's Topic Alias Maximum. Confined to the connection's event loop.
 */
public final class TopicAliases {
  /** Aliases we accept from a client: our Topic Alias Maximum in CONNACK. */
  public static final int INBOUND_MAXIMUM = 10;

  private final Map<Integer, String> inbound = new HashMap<>();
  private final Map<String, Integer> outbound = new HashMap<>();
  private final int outboundMaximum;

  /**
   * @param clientMaximum the client's Topic Alias Maximum (0: it takes none)
   */
  public TopicAliases(int clientMaximum) {
    this.outboundMaximum = clientMaximum;
  }

  public static boolean inboundInRange(int alias) {
    return alias >= 1 && alias <= INBOUND_MAXIMUM;
  }

  /**
   * The topic of an inbound PUBLISH carrying {@code alias}: {@code topic} itself (which the alias
   * now stands for) or, when empty, what the alias was set to; null when it was never set.
   */
  public String inbound(int alias, String topic) {
    if (topic.isEmpty()) {
      return inbound.get(alias);
    }
    inbound.put(alias, topic);
    return topic;
  }

  /** The alias the client already knows for {@code topic}, or 0. */
  public int outboundKnown(String topic) {
    if (outboundMaximum == 0) {
      return 0;
    }
    Integer a = outbound.get(topic);
    return a == null ? 0 : a;
  }

  /** An alias free for a new topic, or 0 when all are taken. */
  public int outboundFree() {
    return outbound.size() < outboundMaximum ? outbound.size() + 1 : 0;
  }

  /** Records that {@code alias} was sent along with {@code topic}. */
  public void outboundSent(String topic, int alias) {
    outbound.put(topic, alias);
  }
}
