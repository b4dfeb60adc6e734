package dev.mqttls.broker.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's MQTT session: its subscriptions, the QoS 1/2 messages in flight to it, the bounded
 * queue behind them, and the QoS 2 packet ids it has sent and not yet released.
 *
 * <p>All state is confined to {@link #executor}: the event loop of the connection attached to it,
 * or of the last one while offline. Work from elsewhere goes through {@link #run(Runnable)}, which
 * re-checks the executor when the task runs, because a takeover may move the session between loops.
 */
final class Session {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /** Session Expiry Interval meaning "never" (MQTT 5 section 3.1.2.11.2). */
  static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

  final String clientId;
  private final BrokerState state;
  private volatile EventExecutor executor;

  private volatile MqttConnection connection;

  /** The ACL of the last connection attached; read by publishers' loops on delivery. */
  private volatile ClientAcl acl = ClientAcl.ALLOW_ALL;

  private volatile String username;

  private final Map<String, ClientSubscription> subscriptions = new HashMap<>();
  private final LinkedHashMap<Integer, InFlight> inflight = new LinkedHashMap<>();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final Set<Integer> incomingQos2 = new HashSet<>();
  private int nextPacketId = 1;
  private volatile long expiryIntervalSeconds;
  private boolean everAttached;

  /** Whether the store holds a record of this session (so that ending it must delete it). */
  private boolean inStore;

  private boolean ended;
  private long generation;
  private long dropped;
  private boolean claimPending;
  private final ArrayDeque<Runnable> waitingClaims = new ArrayDeque<>();

  /** Queue room beyond max_queued_messages for an online client, see {@link #deliver}. */
  static final int ONLINE_ALLOWANCE = 4 * ReadGate.IN_TRANSIT_HIGH;

  private long lastDropLog;
  private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;
  private ScheduledFuture<?> expiryTask;

  Session(String clientId, BrokerState state, EventExecutor executor) {
    this.clientId = clientId;
    this.state = state;
    this.executor = executor;
  }

  ClientAcl acl() {
    return acl;
  }

  /** The user name of the last connection attached (null: anonymous), for re-resolving its ACL. */
  String username() {
    return username;
  }

  void setAccess(String username, ClientAcl acl) {
    this.username = username;
    this.acl = acl;
  }

  void setAcl(ClientAcl acl) {
    this.acl = acl;
  }

  EventExecutor executor() {
    return executor;
  }

  /** Runs {@code task} on this session's executor, following it if it moves. */
  void run(Runnable task) {
    EventExecutor ex = executor;
    if (ex.inEventLoop()) {
      task.run();
      return;
    }
    try {
      ex.execute(() -> run(task));
    } catch (RejectedExecutionException e) {
      // the broker is shutting down
    }
  }

  boolean isOnline() {
    return connection != null;
  }

  boolean ended() {
    return ended;
  }

  boolean everAttached() {
    return everAttached;
  }

  long generation() {
    return generation;
  }

  MqttConnection connection() {
    return connection;
  }

  /**
   * Whether a connection has claimed this session and not yet attached (its CONNACK is on the way).
   * Claims are taken one at a time, so that concurrent CONNECTs with one client id end with exactly
   * one holder and every other one told Session Taken Over.
   */
  boolean claimPending() {
    return claimPending;
  }

  void claim() {
    claimPending = true;
  }

  void waitForClaim(Runnable nextClaim) {
    waitingClaims.add(nextClaim);
  }

  /** The pending claim attached (or gave up); the next waiting claim goes ahead. */
  void claimDone() {
    claimPending = false;
    Runnable next = waitingClaims.poll();
    if (next != null) {
      next.run();
    }
  }

  /** Moves the session to another event loop; only while detached, from the current one. */
  void moveTo(EventExecutor next) {
    this.executor = next;
  }

  /** Drops the old connection's claim without touching it; the caller closes it. */
  void detachForTakeover() {
    connection = null;
  }

  /** Forgets all state, as Clean Start demands. */
  void clear() {
    forget();
    everAttached = false;
  }

  /** Drops subscriptions (from the tree too), messages, QoS 2 ids and the stored record. */
  private void forget() {
    for (ClientSubscription s : subscriptions.values()) {
      state.tree().unsubscribe(clientId, s.filter(), s.shareGroup());
    }
    subscriptions.clear();
    releaseMessages();
    incomingQos2.clear();
    unstoreSession();
  }

  /** Deletes the stored session, if one was written: clean sessions cost no store write. */
  private void unstoreSession() {
    if (inStore) {
      inStore = false;
      state.store().removeSession(clientId);
    }
  }

  private void releaseMessages() {
    for (InFlight f : inflight.values()) {
      if (f.message != null) {
        f.message.release();
      }
    }
    inflight.clear();
    for (Queued q : queue) {
      q.message.release();
    }
    queue.clear();
  }

  /** Attaches {@code conn}, resends what is in flight (DUP) and drains the queue. */
  void attach(MqttConnection conn, long expiryInterval) {
    this.connection = conn;
    this.expiryIntervalSeconds = expiryInterval;
    this.everAttached = true;
    generation++;
    if (expiryTask != null) {
      expiryTask.cancel(false);
      expiryTask = null;
    }
    // Written before the CONNACK leaves (the caller flushes after this returns).
    persist(0);
    for (InFlight f : inflight.values()) {
      if (f.message != null) {
        conn.sendPublish(f.message.retain(), f.qos, f.retain, f.subscriptionIds, f.packetId, true);
      } else {
        conn.sendPubrel(f.packetId);
      }
    }
    drain();
  }

  /**
   * Whether this session is kept in the store: persistence is on and the session outlives its
   * connection. Clean sessions are never written. Read from publishers' loops, hence volatile.
   */
  boolean persistent() {
    return state.store() != null && expiryIntervalSeconds != 0 && !ended;
  }

  /** Writes the session record (subscriptions, expiry); {@code disconnectedAt} 0 when online. */
  private void persist(long disconnectedAtMillis) {
    if (persistent()) {
      inStore = true;
      state
          .store()
          .putSession(
              new PersistentStore.SessionRecord(
                  clientId,
                  expiryIntervalSeconds,
                  disconnectedAtMillis,
                  username,
                  List.copyOf(subscriptions.values())));
    }
  }

  private void unstore(long seq) {
    if (seq != 0) {
      PersistentStore store = state.store();
      if (store != null) {
        store.removeMessage(clientId, seq);
      }
    }
  }

  void setExpiryInterval(long seconds) {
    this.expiryIntervalSeconds = seconds;
  }

  long expiryInterval() {
    return expiryIntervalSeconds;
  }

  /** The connection went away; end the session now or when it expires. */
  void detach(MqttConnection conn) {
    if (connection != conn) {
      return;
    }
    connection = null;
    long seconds = effectiveExpiry();
    if (seconds == 0) {
      end();
      return;
    }
    persist(System.currentTimeMillis());
    scheduleExpiry(seconds);
  }

  private void scheduleExpiry(long seconds) {
    if (seconds != NEVER_EXPIRES) {
      long g = generation;
      expiryTask =
          executor.schedule(
              () ->
                  run(
                      () -> {
                        if (connection == null && generation == g && !ended && !claimPending) {
                          LOG.info("Session of client {} expired", clientId);
                          end();
                        }
                      }),
              seconds,
              TimeUnit.SECONDS);
    }
  }

  private long effectiveExpiry() {
    long s = expiryIntervalSeconds;
    var cap = state.config().persistentClientExpiration();
    if (s != 0 && cap.isPresent()) {
      long capSeconds = cap.get().toSeconds();
      if (s == NEVER_EXPIRES || s > capSeconds) {
        s = capSeconds;
      }
    }
    return s;
  }

  /** Ends the session: subscriptions, messages and the store entry go. */
  void end() {
    if (ended) {
      return;
    }
    ended = true;
    forget();
    state.sessions().remove(clientId, this);
  }

  /**
   * Fills a new, offline session from the store at start-up, before any connection exists: its
   * subscriptions go into the topic tree, its messages in flight (with their packet ids) and
   * queued, and the expiry clock continues from when it was disconnected.
   *
   * @return false when the session expired while the broker was down (the caller drops it)
   */
  boolean restore(PersistentStore.StoredSession stored, AccessControl access) {
    PersistentStore.SessionRecord r = stored.record();
    expiryIntervalSeconds = r.expiryInterval();
    everAttached = true;
    inStore = true;
    setAccess(r.username(), access.aclFor(r.username(), clientId));
    long seconds = effectiveExpiry();
    if (seconds != NEVER_EXPIRES && r.disconnectedAtMillis() > 0) {
      long gone = Math.max(0, System.currentTimeMillis() - r.disconnectedAtMillis()) / 1000;
      if (gone >= seconds) {
        for (PersistentStore.StoredMessage m : stored.messages()) {
          m.message().release();
        }
        return false;
      }
      seconds -= gone;
    }
    for (ClientSubscription s : r.subscriptions()) {
      subscriptions.put(s.fullFilter(), s);
      state.tree().subscribe(s);
    }
    for (int id : stored.pubrels()) {
      inflight.put(id, new InFlight(id, null, 2, false, List.of(), -1));
    }
    for (PersistentStore.StoredMessage m : stored.messages()) {
      int id = m.packetId();
      if (id != 0 && !inflight.containsKey(id)) {
        inflight.put(id, new InFlight(id, m.message(), m.qos(), m.retain(), m.ids(), m.seq()));
        nextPacketId = id == 65535 ? 1 : id + 1;
      } else {
        queue.add(new Queued(m.message(), m.qos(), m.retain(), m.ids(), m.seq()));
      }
    }
    incomingQos2.addAll(stored.incomingQos2());
    scheduleExpiry(seconds);
    return true;
  }

  // ---- subscriptions (called on the executor by the attached connection)

  /**
   * Adds or replaces a subscription; returns whether it existed before. The caller then calls
   * {@link #subscriptionsChanged()}, once per SUBSCRIBE however many filters it holds.
   */
  boolean subscribe(ClientSubscription s) {
    boolean existed = subscriptions.put(s.fullFilter(), s) != null;
    state.tree().subscribe(s);
    return existed;
  }

  /** Removes a subscription; then, as for {@link #subscribe}, {@link #subscriptionsChanged()}. */
  boolean unsubscribe(String fullFilter) {
    ClientSubscription s = subscriptions.remove(fullFilter);
    if (s == null) {
      return false;
    }
    state.tree().unsubscribe(clientId, s.filter(), s.shareGroup());
    return true;
  }

  /** Writes the changed subscriptions to the store (a persistent session), before the ack. */
  void subscriptionsChanged() {
    persist(0);
  }

  List<ClientSubscription> subscriptions() {
    return new ArrayList<>(subscriptions.values());
  }

  // ---- incoming QoS 2

  /** Records an incoming QoS 2 packet id; false when it is already awaiting PUBREL (a resend). */
  boolean receivedQos2(int packetId) {
    boolean added = incomingQos2.add(packetId);
    if (added && persistent()) {
      // Before the PUBREC: a resend after a restart must not be routed twice.
      state.store().putIncomingQos2(clientId, packetId);
    }
    return added;
  }

  boolean released(int packetId) {
    boolean removed = incomingQos2.remove(packetId);
    if (removed && persistent()) {
      state.store().removeIncomingQos2(clientId, packetId);
    }
    return removed;
  }

  int pendingQos2() {
    return incomingQos2.size();
  }

  // ---- outgoing

  /**
   * Delivers a message to this session from any thread. Takes ownership of one reference of {@code
   * m}.
   */
  void offer(Message m, int qos, boolean retain, List<Integer> subscriptionIds) {
    offer(m, qos, retain, subscriptionIds, 0);
  }

  /**
   * As {@link #offer(Message, int, boolean, List)}, for a message the caller has already written to
   * the store under sequence number {@code seq} (0: not stored); the session deletes it from the
   * store once it is done with it.
   */
  void offer(Message m, int qos, boolean retain, List<Integer> subscriptionIds, long seq) {
    EventExecutor ex = executor;
    if (ex.inEventLoop()) {
      deliver(m, qos, retain, subscriptionIds, seq);
      return;
    }
    ReadGate origin = m.originGate();
    if (origin != null) {
      origin.sent();
    }
    Outbox.send(ex, new Outbox.Delivery(this, m, qos, retain, subscriptionIds, origin, seq));
  }

  /** A delivery handed over from another loop; follows the session if it moved again. */
  void offerHere(Message m, int qos, boolean retain, List<Integer> ids, long seq) {
    if (executor.inEventLoop()) {
      deliver(m, qos, retain, ids, seq);
    } else {
      offer(m, qos, retain, ids, seq);
    }
  }

  private void deliver(Message m, int qos, boolean retain, List<Integer> ids, long seq) {
    if (ended || m.expired(System.nanoTime())) {
      m.release();
      unstore(seq);
      return;
    }
    MqttConnection conn = connection;
    if (qos == 0) {
      if (conn != null) {
        conn.sendPublish(m, 0, retain, ids, 0, false);
      } else {
        m.release();
      }
      return;
    }
    if (conn != null && queue.isEmpty() && inflight.size() < conn.sendQuota()) {
      sendInFlight(conn, m, qos, retain, ids, seq);
      return;
    }
    // Offline, max_queued_messages is the bound. Online, the publishers are held back long before
    // (see highWater()), but messages already on their way from other loops still arrive: they
    // are kept, up to a fixed allowance, rather than lost between two connected clients.
    int limit = state.config().maxQueuedMessages() + (conn == null ? 0 : ONLINE_ALLOWANCE);
    if (queue.size() >= limit) {
      m.release();
      unstore(seq);
      dropped++;
      long now = System.nanoTime();
      if (now - lastDropLog > DROP_LOG_INTERVAL_NANOS || lastDropLog == 0) {
        lastDropLog = now;
        LOG.warn(
            "Outgoing queue of client {} is full ({} messages, max_queued_messages); dropping"
                + " messages ({} so far)",
            clientId,
            queue.size(),
            dropped);
      }
      return;
    }
    if (conn == null) {
      // Offline: do not pin the publisher's network buffer for as long as the client is away.
      Message copy = m.copied();
      m.release();
      m = copy;
    } else if (queue.size() >= highWater()) {
      // Online but its window is full: slow the publisher down rather than drop.
      conn.holdPublisherForQueue(m.originGate());
    }
    queue.add(new Queued(m, qos, retain, ids, seq));
  }

  private void sendInFlight(
      MqttConnection conn, Message m, int qos, boolean retain, List<Integer> ids, long seq) {
    int id = allocatePacketId();
    InFlight f = new InFlight(id, m, qos, retain, ids, seq);
    inflight.put(id, f);
    if (seq != 0 && state.store() != null) {
      // So that a restart resends it with the same id, as MQTT 4.4 asks (QoS 2 depends on it).
      state.store().markInFlight(clientId, seq, id);
    }
    conn.sendPublish(m.retain(), qos, retain, ids, id, false);
  }

  private int allocatePacketId() {
    for (int i = 0; i < 65535; i++) {
      int id = nextPacketId;
      nextPacketId = nextPacketId == 65535 ? 1 : nextPacketId + 1;
      if (!inflight.containsKey(id)) {
        return id;
      }
    }
    throw new IllegalStateException("no free packet id");
  }

  /** Sends queued messages while the client's window allows. */
  void drain() {
    MqttConnection conn = connection;
    if (conn == null) {
      return;
    }
    long now = System.nanoTime();
    while (!queue.isEmpty() && inflight.size() < conn.sendQuota()) {
      Queued q = queue.poll();
      if (q.message.expired(now)) {
        q.message.release();
        unstore(q.seq);
        continue;
      }
      sendInFlight(conn, q.message, q.qos, q.retain, q.subscriptionIds, q.seq);
    }
    if (queue.size() <= lowWater()) {
      conn.maybeResumePublishers();
    }
  }

  /** Queue length (online) at which publishers are paused. */
  int highWater() {
    return Math.max(1, Math.min(state.config().maxQueuedMessages() / 4, 64));
  }

  /** Queue length (online) at which paused publishers resume. */
  int lowWater() {
    return highWater() / 2;
  }

  /** PUBACK arrived; false when the id is unknown. */
  boolean acked(int packetId) {
    InFlight f = inflight.get(packetId);
    if (f == null || f.message == null || f.qos != 1) {
      return false;
    }
    inflight.remove(packetId);
    f.message.release();
    unstore(f.seq);
    drain();
    return true;
  }

  /** PUBREC arrived. Returns false when the id is unknown; on an error reason the exchange ends. */
  boolean received(int packetId, boolean error) {
    InFlight f = inflight.get(packetId);
    if (f == null || f.qos != 2) {
      return false;
    }
    if (f.message != null) {
      f.message.release();
      f.message = null;
      if (f.seq != 0 && state.store() != null) {
        if (error) {
          state.store().removeMessage(clientId, f.seq);
        } else {
          state.store().messageReceived(clientId, f.seq, packetId);
        }
      }
    }
    if (error) {
      inflight.remove(packetId);
      drain();
    }
    return true;
  }

  /** PUBCOMP arrived; false when the id is unknown. */
  boolean completed(int packetId) {
    InFlight f = inflight.get(packetId);
    if (f == null || f.message != null) {
      return false;
    }
    inflight.remove(packetId);
    if (f.seq != 0 && state.store() != null) {
      state.store().removePubrel(clientId, packetId);
    }
    drain();
    return true;
  }

  /** The encoder refused the message (larger than the client's maximum): it counts as sent. */
  void discardInFlight(int packetId) {
    InFlight f = inflight.remove(packetId);
    if (f != null) {
      if (f.message != null) {
        f.message.release();
        unstore(f.seq);
      } else if (f.seq != 0 && state.store() != null) {
        state.store().removePubrel(clientId, packetId);
      }
      drain();
    }
  }

  int inflightCount() {
    return inflight.size();
  }

  int queuedCount() {
    return queue.size();
  }

  /** Releases everything; the broker is shutting down. */
  void dispose() {
    releaseMessages();
  }

  private static final class InFlight {
    final int packetId;

    /** The message until PUBACK/PUBREC; null once PUBREL was sent (QoS 2, second half). */
    Message message;

    final int qos;
    final boolean retain;
    final List<Integer> subscriptionIds;

    /** The store's sequence number of the message (0: not stored, -1: only its PUBREL is). */
    final long seq;

    InFlight(int packetId, Message message, int qos, boolean retain, List<Integer> ids, long seq) {
      this.packetId = packetId;
      this.message = message;
      this.qos = qos;
      this.retain = retain;
      this.subscriptionIds = ids;
      this.seq = seq;
    }
  }

  private record Queued(
      Message message, int qos, boolean retain, List<Integer> subscriptionIds, long seq) {}
}
