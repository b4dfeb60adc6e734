package dev.mqttls.broker.internal;

import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.codec.Publish;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * What all connections share: configuration, the topic tree, the session and retained stores, and
 * the routing of a PUBLISH to its subscribers.
 */
final class BrokerState {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger("dev.mqttls.broker");
  private static final org.slf4j.Logger ACL_LOG =
      org.slf4j.LoggerFactory.getLogger("dev.mqttls.broker.acl");

  private static final FastThreadLocal<List<ClientSubscription>> MATCHES =
      new FastThreadLocal<>() {
        @Override
        protected List<ClientSubscription> initialValue() {
          return new ArrayList<>();
        }
      };

  private final BrokerConfig config;
  private final EventLoopGroup loops;
  private final ChannelGroup channels;
  private final TopicTree tree = new TopicTree();
  private final SessionStore sessions = new InMemorySessionStore();
  private final RetainedStore retained = new InMemoryRetainedStore();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger assignedIds = new AtomicInteger();

  private volatile AccessControl access;

  /** For the topic tree's choice within a share group; made once, not per PUBLISH. */
  private final Predicate<String> online = this::isOnline;

  /** The on-disk store, or null without {@code persistence true}. */
  private final PersistentStore store;

  BrokerState(BrokerConfig config, EventLoopGroup loops, ChannelGroup channels) {
    this(config, loops, channels, AccessControl.NONE, null);
  }

  BrokerState(
      BrokerConfig config,
      EventLoopGroup loops,
      ChannelGroup channels,
      AccessControl access,
      PersistentStore store) {
    this.access = access;
    this.config = config;
    this.loops = loops;
    this.channels = channels;
    this.store = store;
    if (store != null) {
      restore();
    }
  }

  /** Start-up, before any listener is bound: sessions come back offline, retained messages too. */
  private void restore() {
    List<PersistentStore.StoredSession> stored = store.load(retained::put);
    int sessionsRestored = 0;
    int messages = 0;
    for (PersistentStore.StoredSession ss : stored) {
      String id = ss.record().clientId();
      Session s = new Session(id, this, loops.next());
      if (s.restore(ss, access)) {
        sessions.getOrCreate(id, k -> s);
        sessionsRestored++;
        messages += ss.messages().size();
      } else {
        LOG.info("Session of client {} expired while the broker was stopped", id);
        store.removeSession(id);
      }
    }
    LOG.info(
        "Restored {} session(s) with {} message(s) and {} retained message(s) from {}",
        sessionsRestored,
        messages,
        retained.size(),
        store.directory());
  }

  /** The on-disk store, or null when persistence is off. */
  PersistentStore store() {
    return store;
  }

  BrokerConfig config() {
    return config;
  }

  AccessControl access() {
    return access;
  }

  /**
   * Re-reads {@code password_file} and {@code acl_file} (SIGHUP, as Mosquitto does). New
   * connections use the new files; every session's ACL is resolved again, so connected clients are
   * judged by the new ACL from their next packet on. A file with a bad line changes nothing: the
   * error is logged with its FILE:LINE and the old files stay in force.
   */
  void reloadAccess() {
    if (config.passwordFile().isEmpty() && config.aclFile().isEmpty()) {
      return;
    }
    AccessControl next;
    try {
      next = AccessControl.load(config);
    } catch (dev.mqttls.broker.BrokerStartException e) {
      LOG.error(
          "Reload refused, keeping the previous password_file and acl_file: {}", e.getMessage());
      return;
    }
    access = next;
    for (Session s : sessions.all()) {
      s.setAcl(next.aclFor(s.username(), s.clientId));
    }
    LOG.info(
        "Reloaded{}{}",
        config.passwordFile().map(f -> " password_file " + f).orElse(""),
        config.aclFile().map(f -> " acl_file " + f).orElse(""));
  }

  TopicTree tree() {
    return tree;
  }

  SessionStore sessions() {
    return sessions;
  }

  RetainedStore retained() {
    return retained;
  }

  ChannelGroup channels() {
    return channels;
  }

  EventLoopGroup loops() {
    return loops;
  }

  int connectionCount() {
    return connections.get();
  }

  int connectionOpened() {
    return connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  String assignClientId() {
    return "mqttls-" + Long.toHexString(System.nanoTime()) + "-" + assignedIds.incrementAndGet();
  }

  /**
   * Stores {@code m} as retained when its flag asks, then hands it to every matching subscriber.
   * Does not consume the caller's reference. Returns how many subscriptions matched.
   */
  int publish(Message m) {
    Publish p = m.publish();
    if (p.retainFlag()) {
      if (store != null) {
        // Before the publisher's acknowledgement, which follows this call.
        store.putRetained(p.topic(), m);
      }
      retained.put(p.topic(), m.copied());
    }
    return route(m);
  }

  private int route(Message m) {
    List<ClientSubscription> matches = MATCHES.get();
    matches.clear();
    String[] topicLevels = Topics.levels(m.publish().topic());
    tree.match(topicLevels, online, matches);
    int n = matches.size();
    if (n == 0) {
      return 0;
    }
    // The same split serves the read checks on delivery, when an acl_file asks for them.
    String[] levels = access.hasAcl() ? topicLevels : null;
    if (n == 1) {
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
    for (int i = 0; i < n; i++) {
      ClientSubscription s = matches.get(i);
      if (s.noLocal() && s.clientId().equals(m.origin())) {
        continue;
      }
      if (s.shareGroup() != null) {
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
    for (Map.Entry<String, Merged> e : merged.entrySet()) {
      Merged g = e.getValue();
      deliver(e.getKey(), m, g.qos, g.retainAsPublished, g.ids, levels);
    }
    matches.clear();
    return n;
  }

  private void deliver(
      String clientId, Message m, int subQos, boolean rap, List<Integer> ids, String[] levels) {
    Session session = sessions.get(clientId);
    if (session == null) {
      return;
    }
    if (levels != null && !session.acl().canRead(levels)) {
      ACL_LOG.debug(
          "Denied delivery of {} to {}: no read access (acl_file)", m.publish().topic(), clientId);
      return;
    }
    Publish p = m.publish();
    int qos = Math.min(p.qos().code(), subQos);
    boolean retain = rap && p.retainFlag();
    // Written here, on the publisher's loop, so that its PUBACK/PUBREC (sent when publish()
    // returns) follows the write: a killed broker loses no acknowledged message.
    long seq = persist(session, m, qos, retain, ids);
    session.offer(m.retain(), qos, retain, ids, seq);
  }

  /**
   * Writes a QoS 1/2 message for a persistent session to the store; returns its sequence number for
   * {@link Session#offer(Message, int, boolean, List, long)}, or 0 when nothing was written.
   */
  long persist(Session session, Message m, int qos, boolean retain, List<Integer> ids) {
    if (qos == 0 || !session.persistent()) {
      return 0;
    }
    long seq = store.nextSeq();
    store.putMessage(session.clientId, seq, m, qos, retain, ids);
    return seq;
  }

  private boolean isOnline(String clientId) {
    Session s = sessions.get(clientId);
    return s != null && s.isOnline();
  }

  void shutdown() {
    for (Session s : sessions.all()) {
      s.dispose();
    }
    retained.clear();
    if (store != null) {
      store.close();
    }
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
