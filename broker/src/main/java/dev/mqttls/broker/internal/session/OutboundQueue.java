package dev.mqttls.broker.internal.session;

import dev.mqttls.broker.internal.flow.DropEpisode;
import dev.mqttls.broker.internal.flow.ReadGate;
import dev.mqttls.broker.internal.metrics.DropReason;
import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.codec.PacketIdPool;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One session's outgoing QoS 1/2 messages: the in-flight window (by packet id, bounded by the
 * client's Receive Maximum) and the bounded queue behind it. Confined to the session's executor;
 * {@link Session} owns it and passes the attached connection's output in.
 */
final class OutboundQueue {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  /** Queue room beyond max_queued_messages for an online client, see {@link #deliver}. */
  static final int ONLINE_ALLOWANCE = 4 * ReadGate.IN_TRANSIT_HIGH;

  private final String clientId;
  private final SessionServices services;
  private final LinkedHashMap<Integer, InFlight> inflight = new LinkedHashMap<>();
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final PacketIdPool packetIds = new PacketIdPool();
  private final DropEpisode drops;

  /** Payload bytes of the messages in {@link #queue}, for max_queued_bytes. */
  private long queuedBytes;

  OutboundQueue(String clientId, SessionServices services) {
    this.clientId = clientId;
    this.services = services;
    this.drops = new DropEpisode(clientId, "QoS 1/2 messages");
  }

  private Journal journal() {
    return services.journal();
  }

  /**
   * Sends {@code m} now when the window allows, else queues it; {@code out} null: offline. Takes
   * ownership of {@code m}; {@code seq} is its journal sequence number (0: not journaled).
   */
  void deliver(SessionOutput out, Message m, int qos, boolean retain, List<Integer> ids, long seq) {
    if (m.expired(services.ticker().nanoTime())) {
      m.release();
      unjournal(seq);
      return;
    }
    if (qos == 0) {
      if (out != null) {
        out.sendPublish(m, 0, retain, ids, 0, false);
      } else {
        m.release();
      }
      return;
    }
    if (out != null && queue.isEmpty() && inflight.size() < out.sendQuota()) {
      sendInFlight(out, m, qos, retain, ids, seq);
      return;
    }
    // Offline, max_queued_messages is the bound. Online, the publishers are held back long before
    // (see highWater()), but messages already on their way from other loops still arrive: they
    // are kept, up to a fixed allowance, rather than lost between two connected clients.
    int limit = services.config().maxQueuedMessages() + (out == null ? 0 : ONLINE_ALLOWANCE);
    long maxBytes = services.config().maxQueuedBytes();
    String full = null;
    if (queue.size() >= limit) {
      full = queue.size() + " messages, max_queued_messages";
    } else if (maxBytes > 0 && queuedBytes + size(m) > maxBytes && !queue.isEmpty()) {
      full = queuedBytes + " bytes, max_queued_bytes";
    }
    if (full != null && out != null && !out.stalled()) {
      // Online and making progress: its publishers are held, so what still arrives is what they
      // had in flight when the hold began (one read of their sockets), a bounded overshoot. Those
      // publishers were (or will be) acknowledged, so the message is kept, not dropped.
      full = null;
    }
    if (full != null) {
      // Offline, or stalled (it stopped reading or acknowledging for 500 ms): counted and logged
      // once per episode (see DropEpisode). A publisher whose only target it is stays held.
      m.release();
      unjournal(seq);
      drops.dropped(full);
      services.metrics().dropped(DropReason.QUEUE_FULL);
      return;
    }
    if (out == null) {
      // Offline: do not pin the publisher's network buffer for as long as the client is away.
      Message copy = m.copied();
      m.release();
      m = copy;
    } else if (queue.size() >= highWater()) {
      // Online but its window is full: slow the publisher down rather than drop.
      out.holdPublisher(m.originGate());
    }
    queue.add(new Queued(m, qos, retain, ids, seq));
    queuedBytes += size(m);
  }

  private static long size(Message m) {
    return m.publish().payload().readableBytes();
  }

  private void sendInFlight(
      SessionOutput out, Message m, int qos, boolean retain, List<Integer> ids, long seq) {
    int id = packetIds.allocate();
    InFlight f = new InFlight(id, m, qos, retain, ids, seq);
    inflight.put(id, f);
    if (seq != 0) {
      // So that a restart resends it with the same id, as MQTT 4.4 asks (QoS 2 depends on it).
      journal().markInFlight(clientId, seq, id);
    }
    out.sendPublish(m.retain(), qos, retain, ids, id, false);
  }

  /** Resends everything in flight (DUP, or the PUBREL), as on every new connection. */
  void resend(SessionOutput out) {
    for (InFlight f : inflight.values()) {
      if (f.message != null) {
        out.sendPublish(f.message.retain(), f.qos, f.retain, f.subscriptionIds, f.packetId, true);
      } else {
        out.sendPubrel(f.packetId);
      }
    }
  }

  /** Sends queued messages while the client's window allows. */
  void drain(SessionOutput out) {
    if (out == null) {
      return;
    }
    long now = services.ticker().nanoTime();
    while (!queue.isEmpty() && inflight.size() < out.sendQuota()) {
      Queued q = queue.poll();
      queuedBytes -= size(q.message);
      if (q.message.expired(now)) {
        q.message.release();
        unjournal(q.seq);
        continue;
      }
      sendInFlight(out, q.message, q.qos, q.retain, q.subscriptionIds, q.seq);
    }
    if (queue.size() <= lowWater()) {
      drops.ended();
      out.queueDrained();
    }
  }

  /** Queue length (online) at which publishers are paused. */
  int highWater() {
    return Math.max(1, Math.min(services.config().maxQueuedMessages() / 4, 64));
  }

  /** Queue length (online) at which paused publishers resume. */
  int lowWater() {
    return highWater() / 2;
  }

  /** PUBACK arrived; false when the id is unknown. */
  boolean acked(SessionOutput out, int packetId) {
    InFlight f = inflight.get(packetId);
    if (f == null || f.message == null || f.qos != 1) {
      return false;
    }
    forget(packetId);
    f.message.release();
    unjournal(f.seq);
    drain(out);
    return true;
  }

  /** PUBREC arrived. Returns false when the id is unknown; on an error reason the exchange ends. */
  boolean received(SessionOutput out, int packetId, boolean error) {
    InFlight f = inflight.get(packetId);
    if (f == null || f.qos != 2) {
      return false;
    }
    if (f.message != null) {
      f.message.release();
      f.message = null;
      if (f.seq != 0) {
        if (error) {
          journal().removeMessage(clientId, f.seq);
        } else {
          journal().messageReceived(clientId, f.seq, packetId);
        }
      }
    }
    if (error) {
      forget(packetId);
      drain(out);
    }
    return true;
  }

  /** PUBCOMP arrived; false when the id is unknown. */
  boolean completed(SessionOutput out, int packetId) {
    InFlight f = inflight.get(packetId);
    if (f == null || f.message != null) {
      return false;
    }
    forget(packetId);
    if (f.seq != 0) {
      journal().removePubrel(clientId, packetId);
    }
    drain(out);
    return true;
  }

  /** The encoder refused the message (larger than the client's maximum): it counts as sent. */
  void discardInFlight(SessionOutput out, int packetId) {
    InFlight f = inflight.get(packetId);
    if (f != null) {
      forget(packetId);
      if (f.message != null) {
        f.message.release();
        unjournal(f.seq);
      } else if (f.seq != 0) {
        journal().removePubrel(clientId, packetId);
      }
      drain(out);
    }
  }

  /**
   * Puts back what the journal held at start-up: in flight with its packet id, or queued, up to
   * max_queued_messages as for an offline session (the oldest kept); the rest is dropped and
   * deleted with one line. Returns how many messages it kept.
   */
  int restore(Journal.StoredSession stored) {
    long dropped = 0;
    for (int id : stored.pubrels()) {
      inflight.put(id, new InFlight(id, null, 2, false, List.of(), -1));
      packetIds.reserve(id);
    }
    for (Journal.StoredMessage m : stored.messages()) {
      int id = m.packetId();
      if (id != 0 && !inflight.containsKey(id)) {
        inflight.put(id, new InFlight(id, m.message(), m.qos(), m.retain(), m.ids(), m.seq()));
        packetIds.reserve(id);
      } else if (queue.size() < services.config().maxQueuedMessages()) {
        queue.add(new Queued(m.message(), m.qos(), m.retain(), m.ids(), m.seq()));
        queuedBytes += size(m.message());
      } else {
        m.message().release();
        unjournal(m.seq());
        dropped++;
      }
    }
    if (dropped > 0) {
      LOG.warn(
          "Restored session of client {}: dropped {} stored message(s) beyond max_queued_messages"
              + " {}",
          clientId,
          dropped,
          services.config().maxQueuedMessages());
    }
    return inflight.size() + queue.size();
  }

  /** The exchange of {@code packetId} ended: the id may be used again. */
  private void forget(int packetId) {
    inflight.remove(packetId);
    packetIds.release(packetId);
  }

  private void unjournal(long seq) {
    if (seq != 0) {
      journal().removeMessage(clientId, seq);
    }
  }

  List<Session.InFlightMessage> inFlight() {
    List<Session.InFlightMessage> out = new java.util.ArrayList<>(inflight.size());
    for (InFlight f : inflight.values()) {
      String topic = f.message == null ? "" : f.message.publish().topic();
      out.add(new Session.InFlightMessage(f.packetId, topic, f.qos, f.message == null));
    }
    return out;
  }

  int queuedCount() {
    return queue.size();
  }

  int inFlightCount() {
    return inflight.size();
  }

  /** Releases every message held (Clean Start, session end, shutdown). */
  void releaseAll() {
    for (InFlight f : inflight.values()) {
      if (f.message != null) {
        f.message.release();
      }
    }
    inflight.clear();
    packetIds.clear();
    for (Queued q : queue) {
      q.message.release();
    }
    queue.clear();
    queuedBytes = 0;
  }

  private static final class InFlight {
    final int packetId;

    /** The message until PUBACK/PUBREC; null once PUBREL was sent (QoS 2, second half). */
    Message message;

    final int qos;
    final boolean retain;
    final List<Integer> subscriptionIds;

    /** The journal's sequence number of the message (0: not stored, -1: only its PUBREL is). */
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
