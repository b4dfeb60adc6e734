package dev.mqttls.cluster.internal.session;

import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.routing.Subscriber;
import dev.mqttls.broker.internal.routing.Topics;
import dev.mqttls.broker.internal.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for a persistent session while it moves to this node: its subscriptions are in this
 * node's topic tree (so every node forwards matching messages here) before the previous node lets
 * the session go, and what matches them meanwhile is kept here, its publishers' acknowledgements
 * waiting, until the session has been read from the cache; then it goes to the session, after the
 * messages the session brought. Without it, a message published between the previous node dropping
 * the session's filters and this node adding them found no route and was acknowledged with no one
 * to deliver it to.
 *
 * <p>While both nodes route to the session (the takeover's round trip) a message can reach both:
 * the session then gets it twice, which QoS 1 allows; a QoS 2 message published in that window can
 * be delivered twice too (docs/cluster.md, "The promise, exactly").
 */
final class TakeoverHold implements Subscriber {
  /** Messages kept at most; beyond it they are refused to their publishers, who resend them. */
  static final int LIMIT = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  private final String clientId;
  private final List<ClientSubscription> subscriptions;
  private final AtomicBoolean refusalLogged = new AtomicBoolean();
  private final List<Held> held = new ArrayList<>();
  private Subscriber target;
  private boolean ended;
  private Set<Long> brought = Set.of();

  private record Held(
      Message m, int qos, boolean retain, List<Integer> ids, CompletableFuture<Void> done) {}

  TakeoverHold(String clientId, List<ClientSubscription> subscriptions) {
    this.clientId = clientId;
    this.subscriptions = List.copyOf(subscriptions);
  }

  /**
   * The cluster ids of the messages the session brought from the cache: a kept copy of one of them
   * is not handed to it again.
   */
  synchronized void brought(Set<Long> ids) {
    brought = ids;
  }

  /** The subscriptions the session had when the move began (its record in the cache). */
  List<ClientSubscription> subscriptions() {
    return subscriptions;
  }

  @Override
  public boolean isOnline() {
    return false;
  }

  @Override
  public boolean mayRead(String[] topicLevels) {
    // Checked against the session's own ACL when the message is handed to it.
    return true;
  }

  @Override
  public void deliver(Message m, int qos, boolean retain, List<Integer> ids) {
    Subscriber to;
    boolean kept = false;
    boolean moveFailed;
    CompletableFuture<Void> done = qos == 0 ? null : new CompletableFuture<>();
    synchronized (this) {
      to = target;
      moveFailed = ended;
      if (to == null && !ended && held.size() < LIMIT) {
        held.add(new Held(m, qos, retain, ids, done));
        kept = true;
      }
    }
    if (to != null) {
      to.deliver(m, qos, retain, ids);
      return;
    }
    if (!kept) {
      m.release();
    }
    if (done != null) {
      if (!kept) {
        refusedOne(moveFailed);
        done.completeExceptionally(new IllegalStateException("takeover hold full or ended"));
      }
      // This thread's acknowledgement (the publisher's, or the forwarding node's) waits for it.
      ReplicatedJournal.awaitBeforeAck(done);
    }
  }

  /**
   * On {@code s}'s loop: hands what was kept to {@code s}, in the order it came, if {@code s} still
   * has a subscription it matches and may read it; from now on deliveries go straight to {@code s}.
   * Each publisher's acknowledgement follows once {@code s}'s journal writes for its message have
   * reached the cache.
   */
  synchronized void drainInto(Session s) {
    // Under the lock: a delivery on another thread meanwhile waits, and follows these.
    List<Held> out = new ArrayList<>(held);
    held.clear();
    target = s;
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    for (Held h : out) {
      String topic = h.m.publish().topic();
      long id = h.m.clusterId();
      if (id != 0 && brought.contains(id)) {
        // The previous node had queued it too, and the session brought that copy.
        h.m.release();
      } else if (stillSubscribed(s, topic) && s.mayRead(Topics.levels(topic))) {
        s.deliver(h.m, h.qos, h.retain, h.ids);
      } else {
        h.m.release();
      }
      if (h.done != null) {
        acks.add(h.done);
      }
    }
    CompletableFuture<Boolean> written = ReplicatedJournal.takePending();
    for (CompletableFuture<Void> a : acks) {
      if (written == null) {
        a.complete(null);
      } else {
        written.whenComplete(
            (ok, e) -> {
              if (Boolean.TRUE.equals(ok)) {
                a.complete(null);
              } else {
                a.completeExceptionally(new IllegalStateException("not written to the cache"));
              }
            });
      }
    }
  }

  /** Logs the first QoS 1/2 message refused because the hold is full or ended, once per hold. */
  private void refusedOne(boolean moveFailed) {
    if (!refusalLogged.compareAndSet(false, true)) {
      return;
    }
    LOG.info(
        "Cluster: QoS 1/2 messages for client {}, whose session is moving here, refused to their"
            + " publishers (who send them again): {}",
        clientId,
        moveFailed ? "the move failed" : "more than " + LIMIT + " kept");
  }

  private boolean stillSubscribed(Session s, String topic) {
    for (ClientSubscription c : subscriptions) {
      if (s.hasSubscription(c.fullFilter()) && Topics.matches(c.filter(), topic)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The move failed (no session here to continue): what was kept is dropped and refused to its
   * publishers, who send it again.
   */
  void abandon() {
    List<Held> out;
    synchronized (this) {
      ended = true;
      out = new ArrayList<>(held);
      held.clear();
    }
    long refused = out.stream().filter(h -> h.done != null).count();
    if (refused > 0) {
      LOG.info(
          "Cluster: the session of client {} did not arrive here: {} QoS 1/2 message(s) kept for"
              + " it refused to their publishers, who send them again",
          clientId,
          refused);
    }
    for (Held h : out) {
      h.m.release();
      if (h.done != null) {
        h.done.completeExceptionally(new IllegalStateException("takeover abandoned"));
      }
    }
  }
}
