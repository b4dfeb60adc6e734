package dev.mqttls.broker.internal.routing;

import dev.mqttls.broker.internal.flow.ReadGate;
import dev.mqttls.codec.Publish;
import dev.mqttls.codec.Qos;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Router} of one node: this process's topic tree and retained store. */
public final class LocalRouter implements Router {
  private static final Logger ACL_LOG = LoggerFactory.getLogger("dev.mqttls.broker.acl");

  private static final FastThreadLocal<List<ClientSubscription>> MATCHES =
      new FastThreadLocal<>() {
        @Override
        protected List<ClientSubscription> initialValue() {
          return new ArrayList<>();
        }
      };

  private final TopicTree tree;
  private final RetainedStore retained;
  private final Subscriber.Lookup subscribers;
  private final RetainedJournal journal;
  private final BooleanSupplier aclInForce;

  /** For the topic tree's choice within a share group; made once, not per PUBLISH. */
  private final Predicate<String> online;

  /** Where a retained message is made durable before its publisher is acknowledged. */
  public interface RetainedJournal {
    /**
     * Writes (or, empty payload, clears) the retained message of {@code topic}.
     *
     * @return false when the write failed (a full disk): the publisher will be refused
     */
    boolean putRetained(String topic, Message m);
  }

  /**
   * @param aclInForce whether an acl_file is in force now (a reload may add or drop one): only then
   *     is each delivery checked for read access
   */
  public LocalRouter(
      TopicTree tree,
      RetainedStore retained,
      Subscriber.Lookup subscribers,
      RetainedJournal journal,
      BooleanSupplier aclInForce) {
    this.tree = tree;
    this.retained = retained;
    this.subscribers = subscribers;
    this.journal = journal;
    this.aclInForce = aclInForce;
    this.online =
        id -> {
          Subscriber s = subscribers.subscriber(id);
          return s != null && s.isOnline();
        };
  }

  @Override
  public int publish(Message m) {
    Publish p = m.publish();
    if (p.retainFlag()) {
      // Before the publisher's acknowledgement, which follows this call. A QoS 1/2 message the
      // store refused is refused to its publisher, who will send it again: it must not become
      // the retained message meanwhile (a QoS 0 one has no acknowledgement to withhold and is
      // kept in memory, as Mosquitto keeps what it cannot save).
      if (journal.putRetained(p.topic(), m) || p.qos() == Qos.AT_MOST_ONCE) {
        retained.put(p.topic(), m.copied());
      }
    }
    return route(m);
  }

  /**
   * Hands {@code m} to this node's matching subscribers only, without touching the retained store
   * (for a message another node has already stored). Does not consume the caller's reference.
   *
   * @return how many subscriptions matched
   */
  public int route(Message m) {
    return route(m, EVERY_GROUP);
  }

  /** Which share groups of this node a message may go to (a cluster picks one node per group). */
  public interface ShareGroups {
    /** Whether the shared subscription {@code $share/group/filter} here gets the message. */
    boolean serves(String group, String filter);
  }

  private static final ShareGroups EVERY_GROUP = (group, filter) -> true;

  /**
   * As {@link #route(Message)}, giving the message only to the share groups {@code groups} serves
   * (ordinary subscriptions all get it).
   */
  public int route(Message m, ShareGroups groups) {
    List<ClientSubscription> matches = MATCHES.get();
    matches.clear();
    String[] topicLevels = Topics.levels(m.publish().topic());
    tree.match(topicLevels, online, matches);
    if (groups != EVERY_GROUP) {
      matches.removeIf(s -> s.shareGroup() != null && !groups.serves(s.shareGroup(), s.filter()));
    }
    int n = matches.size();
    if (n == 0) {
      return 0;
    }
    // The same split serves the read checks on delivery, when an acl_file asks for them.
    String[] levels = aclInForce.getAsBoolean() ? topicLevels : null;
    ReadGate gate = m.originGate();
    if (n == 1) {
      if (gate != null) {
        gate.targets(1);
      }
      ClientSubscription s = matches.get(0);
      if (!(s.noLocal() && s.clientId().equals(m.origin()))) {
        deliver(s.clientId(), m, s.qos(), s.retainAsPublished(), s.subscriptionIds(), levels);
      }
      matches.clear();
      return 1;
    }
    // Overlapping subscriptions of one client: one copy at the highest QoS with every
    // subscription identifier (MQTT 5 section 3.3.4; 3.1.1 section 3.3.5).
    Map<String, Merged> merged = new HashMap<>();
    int shared = 0;
    for (int i = 0; i < n; i++) {
      ClientSubscription s = matches.get(i);
      if (s.noLocal() && s.clientId().equals(m.origin())) {
        continue;
      }
      if (s.shareGroup() != null) {
        shared++;
        deliver(s.clientId(), m, s.qos(), s.retainAsPublished(), s.subscriptionIds(), levels);
        continue;
      }
      Merged g = merged.get(s.clientId());
      if (g == null) {
        merged.put(s.clientId(), new Merged(s));
      } else {
        g.add(s);
      }
    }
    if (gate != null) {
      gate.targets(merged.size() + shared);
    }
    for (Map.Entry<String, Merged> e : merged.entrySet()) {
      Merged g = e.getValue();
      deliver(e.getKey(), m, g.qos, g.retainAsPublished, g.ids, levels);
    }
    matches.clear();
    return n;
  }

  private void deliver(
      String clientId, Message m, int subQos, boolean rap, List<Integer> ids, String[] levels) {
    Subscriber s = subscribers.subscriber(clientId);
    if (s == null) {
      return;
    }
    if (levels != null && !s.mayRead(levels)) {
      ACL_LOG.debug(
          "Denied delivery of {} to {}: no read access (acl_file)", m.publish().topic(), clientId);
      return;
    }
    Publish p = m.publish();
    int qos = Math.min(p.qos().code(), subQos);
    boolean retain = rap && p.retainFlag();
    s.deliver(m.retain(), qos, retain, ids);
  }

  private static final class Merged {
    int qos;
    boolean retainAsPublished;
    List<Integer> ids;

    Merged(ClientSubscription s) {
      qos = s.qos();
      retainAsPublished = s.retainAsPublished();
      ids = s.subscriptionIds();
    }

    void add(ClientSubscription s) {
      qos = Math.max(qos, s.qos());
      retainAsPublished |= s.retainAsPublished();
      if (s.subscriptionId() != 0) {
        List<Integer> l = new ArrayList<>(ids);
        l.add(s.subscriptionId());
        ids = l;
      }
    }
  }
}
