package dev.mqttls.broker.internal.session;

import dev.mqttls.broker.internal.flow.Outbox;
import dev.mqttls.broker.internal.flow.ReadGate;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.routing.Subscriber;
import dev.mqttls.broker.internal.security.AccessControl;
import dev.mqttls.broker.internal.security.ClientAcl;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's MQTT session: its subscriptions, the QoS 2 packet ids it has sent and not yet
 * released, its {@link OutboundQueue}, and when it expires. Meets its connection only through
 * {@link SessionOutput}.
 *
 * <p>All state is confined to {@link #executor}: the event loop of the connection attached to it,
 * or of the last one while offline. Work from elsewhere goes through {@link #run(Runnable)}, which
 * re-checks the executor when the task runs, because a takeover may move the session between loops.
 */
public final class Session implements Subscriber {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /** Session Expiry Interval meaning "never" (MQTT 5 section 3.1.2.11.2). */
  public static final long NEVER_EXPIRES = SessionExpiry.NEVER;

  private final String clientId;
  private final SessionServices services;
  private final Consumer<Session> onEnd;
  private volatile EventExecutor executor;

  private volatile SessionOutput output;

  /** The ACL of the last connection attached; read by publishers' loops on delivery. */
  private volatile ClientAcl acl = ClientAcl.ALLOW_ALL;

  private volatile String username;

  private final Map<String, ClientSubscription> subscriptions = new HashMap<>();
  private final Set<Integer> incomingQos2 = new HashSet<>();
  private final OutboundQueue outbound;
  private volatile long expiryIntervalSeconds;
  private boolean everAttached;

  /** Whether the journal holds a record of this session (so that ending it must delete it). */
  private boolean inJournal;

  private volatile boolean ended;
  private long generation;
  private boolean claimPending;
  private final ArrayDeque<Runnable> waitingClaims = new ArrayDeque<>();
  private final SessionExpiry expiry;

  /**
   * @param onEnd called (on the session's executor) when the session ends, so that its registry
   *     forgets it
   */
  Session(
      String clientId, SessionServices services, EventExecutor executor, Consumer<Session> onEnd) {
    this.clientId = clientId;
    this.services = services;
    this.executor = executor;
    this.onEnd = onEnd;
    this.outbound = new OutboundQueue(clientId, services);
    this.expiry = new SessionExpiry(services.ticker(), services.config());
  }

  public String clientId() {
    return clientId;
  }

  public ClientAcl acl() {
    return acl;
  }

  /** The user name of the last connection attached (null: anonymous), for re-resolving its ACL. */
  public String username() {
    return username;
  }

  public void setAccess(String username, ClientAcl acl) {
    this.username = username;
    this.acl = acl;
  }

  /** A reload (SIGHUP): the ACL is resolved again for the same user. */
  public void setAcl(ClientAcl acl) {
    this.acl = acl;
  }

  public EventExecutor executor() {
    return executor;
  }

  /** Runs {@code task} on this session's executor, following it if it moves. */
  public void run(Runnable task) {
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

  @Override
  public boolean isOnline() {
    return output != null;
  }

  @Override
  public boolean mayRead(String[] topicLevels) {
    return acl.canRead(topicLevels);
  }

  boolean ended() {
    return ended;
  }

  boolean everAttached() {
    return everAttached;
  }

  /** Counts attachments; a timer armed for one attachment checks it is still the current one. */
  public long generation() {
    return generation;
  }

  SessionOutput output() {
    return output;
  }

  /**
   * Whether a connection has claimed this session and not yet attached (its CONNACK is on the way).
   * Claims are taken one at a time, so that concurrent CONNECTs with one client id end with exactly
   * one holder and every other one told Session Taken Over.
   */
  public boolean claimPending() {
    return claimPending;
  }

  void claim() {
    claimPending = true;
  }

  void waitForClaim(Runnable nextClaim) {
    waitingClaims.add(nextClaim);
  }

  /** The pending claim attached (or gave up); the next waiting claim goes ahead. */
  public void claimDone() {
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
    output = null;
  }

  /** Forgets all state, as Clean Start demands. */
  void clear() {
    forget();
    everAttached = false;
  }

  /** Drops subscriptions (from the table too), messages, QoS 2 ids and the journal record. */
  private void forget() {
    for (ClientSubscription s : subscriptions.values()) {
      services.subscriptions().unsubscribe(clientId, s.filter(), s.shareGroup());
    }
    subscriptions.clear();
    outbound.releaseAll();
    incomingQos2.clear();
    if (inJournal) {
      // Clean sessions cost no journal write, in or out.
      inJournal = false;
      services.journal().removeSession(clientId);
    }
  }

  /** Attaches {@code out}, resends what is in flight (DUP) and drains the queue. */
  public void attach(SessionOutput out, long expiryInterval) {
    this.output = out;
    this.expiryIntervalSeconds = expiryInterval;
    this.everAttached = true;
    generation++;
    expiry.cancel();
    // Written before the CONNACK leaves (the caller flushes after this returns).
    journalRecord(0);
    outbound.resend(out);
    outbound.drain(out);
  }

  /**
   * Whether this session is kept in the journal: the journal keeps sessions and the session
   * outlives its connection. Clean sessions are never written. Read from publishers' loops.
   */
  public boolean persistent() {
    return services.journal().keepsSessions() && expiryIntervalSeconds != 0 && !ended;
  }

  /** Writes the session record (subscriptions, expiry); {@code disconnectedAt} 0 when online. */
  private void journalRecord(long disconnectedAtMillis) {
    if (persistent()) {
      inJournal = true;
      services
          .journal()
          .putSession(
              new Journal.SessionRecord(
                  clientId,
                  expiryIntervalSeconds,
                  disconnectedAtMillis,
                  username,
                  List.copyOf(subscriptions.values())));
    }
  }

  public void setExpiryInterval(long seconds) {
    this.expiryIntervalSeconds = seconds;
  }

  /** The connection went away; end the session now or when it expires. */
  public void detach(SessionOutput out) {
    if (output != out) {
      return;
    }
    output = null;
    long seconds = effectiveExpiry();
    if (seconds == 0) {
      end();
      return;
    }
    journalRecord(services.ticker().currentTimeMillis());
    scheduleExpiry(seconds);
  }

  private void scheduleExpiry(long seconds) {
    long g = generation;
    expiry.start(
        executor,
        seconds,
        () ->
            run(
                () -> {
                  if (output == null && generation == g && !ended && !claimPending) {
                    LOG.info("Session of client {} expired", clientId);
                    services.metrics().sessionExpired();
                    end();
                  }
                }));
  }

  private long effectiveExpiry() {
    return expiry.effective(expiryIntervalSeconds);
  }

  /** Ends the session: subscriptions, messages and the journal entry go. */
  public void end() {
    if (ended) {
      return;
    }
    ended = true;
    forget();
    onEnd.accept(this);
  }

  /**
   * Fills a new, offline session from the journal at start-up, before any connection exists: its
   * subscriptions go into the table, its messages in flight (with their packet ids) and queued, and
   * the expiry clock continues from when it was disconnected.
   *
   * @return how many messages it holds now, or -1 when the session expired while the broker was
   *     down (the caller drops it)
   */
  int restore(Journal.StoredSession stored, AccessControl access) {
    Journal.SessionRecord r = stored.record();
    expiryIntervalSeconds = r.expiryInterval();
    everAttached = true;
    inJournal = true;
    setAccess(r.username(), access.aclFor(r.username(), clientId));
    long seconds = effectiveExpiry();
    if (seconds != NEVER_EXPIRES && r.disconnectedAtMillis() > 0) {
      long now = services.ticker().currentTimeMillis();
      long gone = Math.max(0, now - r.disconnectedAtMillis()) / 1000;
      if (gone >= seconds) {
        for (Journal.StoredMessage m : stored.messages()) {
          m.message().release();
        }
        return -1;
      }
      seconds -= gone;
    }
    for (ClientSubscription s : r.subscriptions()) {
      subscriptions.put(s.fullFilter(), s);
      services.subscriptions().subscribe(s);
    }
    int kept = outbound.restore(stored);
    incomingQos2.addAll(stored.incomingQos2());
    scheduleExpiry(seconds);
    return kept;
  }

  // ---- subscriptions (called on the executor by the attached connection)

  /**
   * Adds or replaces a subscription; returns whether it existed before. The caller then calls
   * {@link #subscriptionsChanged()}, once per SUBSCRIBE however many filters it holds.
   */
  public boolean subscribe(ClientSubscription s) {
    boolean existed = subscriptions.put(s.fullFilter(), s) != null;
    services.subscriptions().subscribe(s);
    return existed;
  }

  /** The subscription of {@code fullFilter} ({@code $share/g/} prefix included), or null. */
  public ClientSubscription subscription(String fullFilter) {
    return subscriptions.get(fullFilter);
  }

  /** How many subscriptions the session holds (for max_subscriptions). */
  public int subscriptionCount() {
    return subscriptions.size();
  }

  /** Whether the session holds a subscription to {@code fullFilter} (share prefix included). */
  public boolean hasSubscription(String fullFilter) {
    return subscriptions.containsKey(fullFilter);
  }

  /** Removes a subscription; then, as for {@link #subscribe}, {@link #subscriptionsChanged()}. */
  public boolean unsubscribe(String fullFilter) {
    ClientSubscription s = subscriptions.remove(fullFilter);
    if (s == null) {
      return false;
    }
    services.subscriptions().unsubscribe(clientId, s.filter(), s.shareGroup());
    return true;
  }

  /**
   * Writes the changed subscriptions to the journal (a persistent session), before the ack.
   *
   * @return false when the write failed (a full disk): the caller undoes the change and refuses
   */
  public boolean subscriptionsChanged() {
    int failedBefore = services.journal().failedWrites();
    journalRecord(0);
    return services.journal().failedWrites() == failedBefore;
  }

  // ---- incoming QoS 2

  /** Records an incoming QoS 2 packet id; false when it is already awaiting PUBREL (a resend). */
  public boolean receivedQos2(int packetId) {
    boolean added = incomingQos2.add(packetId);
    if (added && persistent()) {
      // Before the PUBREC: a resend after a restart must not be routed twice.
      services.journal().putIncomingQos2(clientId, packetId);
    }
    return added;
  }

  public boolean released(int packetId) {
    boolean removed = incomingQos2.remove(packetId);
    if (removed && persistent()) {
      services.journal().removeIncomingQos2(clientId, packetId);
    }
    return removed;
  }

  public int pendingQos2() {
    return incomingQos2.size();
  }

  // ---- outgoing

  @Override
  public void deliver(Message m, int qos, boolean retain, List<Integer> subscriptionIds) {
    // Journaled here, on the publisher's loop, so that its PUBACK/PUBREC (sent when routing
    // returns) follows the write: a killed broker loses no acknowledged message.
    long seq =
        qos == 0 || !persistent()
            ? 0
            : services.journal().putMessage(clientId, m, qos, retain, subscriptionIds);
    if (seq == Journal.NOT_STORED) {
      // Not stored, so not kept either: the publisher is refused and sends it again, and the
      // session holds nothing its store does not.
      m.release();
      return;
    }
    offer(m, qos, retain, subscriptionIds, seq);
  }

  /**
   * Hands a message to this session from any thread: on its executor, or batched through the {@link
   * Outbox}. Takes ownership of one reference of {@code m}; {@code seq} is its journal sequence
   * number (0: not journaled), which the session deletes once done with it.
   */
  private void offer(Message m, int qos, boolean retain, List<Integer> ids, long seq) {
    EventExecutor ex = executor;
    if (ex.inEventLoop()) {
      deliverHere(m, qos, retain, ids, seq);
      return;
    }
    ReadGate origin = m.originGate();
    if (origin != null) {
      origin.sent();
    }
    Outbox.send(ex, new Handover(this, m, qos, retain, ids, origin, seq));
  }

  /** A delivery handed over from another loop; follows the session if it moved again. */
  private void offerHere(Message m, int qos, boolean retain, List<Integer> ids, long seq) {
    if (executor.inEventLoop()) {
      deliverHere(m, qos, retain, ids, seq);
    } else {
      offer(m, qos, retain, ids, seq);
    }
  }

  private void deliverHere(Message m, int qos, boolean retain, List<Integer> ids, long seq) {
    if (ended) {
      m.release();
      if (seq != 0) {
        services.journal().removeMessage(clientId, seq);
      }
      return;
    }
    outbound.deliver(output, m, qos, retain, ids, seq);
  }

  /** PUBACK arrived; false when the id is unknown. */
  public boolean acked(int packetId) {
    return outbound.acked(output, packetId);
  }

  /** PUBREC arrived. Returns false when the id is unknown; on an error reason the exchange ends. */
  public boolean received(int packetId, boolean error) {
    return outbound.received(output, packetId, error);
  }

  /** PUBCOMP arrived; false when the id is unknown. */
  public boolean completed(int packetId) {
    return outbound.completed(output, packetId);
  }

  /** The encoder refused the message (larger than the client's maximum): it counts as sent. */
  public void discardInFlight(int packetId) {
    outbound.discardInFlight(output, packetId);
  }

  /** Whether the queue is at or below its low-water mark (held publishers may resume). */
  public boolean queueLow() {
    return outbound.queuedCount() <= outbound.lowWater();
  }

  /** Releases everything; the broker is shutting down. */
  /** Messages queued behind the in-flight window (racy off the session's executor: for gauges). */
  public int queuedMessages() {
    return outbound.queuedCount();
  }

  /** Outgoing QoS 1/2 messages in flight (racy off the session's executor: for gauges). */
  public int inFlightMessages() {
    return outbound.inFlightCount();
  }

  public void dispose() {
    outbound.releaseAll();
  }

  /** One message for this session, handed over from another loop. */
  private record Handover(
      Session session,
      Message message,
      int qos,
      boolean retain,
      List<Integer> ids,
      ReadGate origin,
      long seq)
      implements Outbox.Delivery {
    @Override
    public void run() {
      if (origin != null) {
        origin.delivered();
      }
      session.offerHere(message, qos, retain, ids, seq);
    }

    @Override
    public void discard() {
      message.release();
    }
  }
}
