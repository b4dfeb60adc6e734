package dev.mqttls.broker.internal.persistence;

import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.routing.Message;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * What must be durable before the broker acknowledges it: persistent sessions (subscriptions,
 * expiry), the QoS 1/2 messages queued or in flight to them with their packet ids, the QoS 2 packet
 * ids on both sides, and retained messages. A caller writes first and acknowledges after the call
 * returns; the journal's promise (for {@link RocksJournal}: a killed process loses nothing written)
 * is what the acknowledgement means.
 *
 * <p>{@link #NONE} ({@code persistence false}) keeps nothing, so callers never test for a missing
 * journal. Implementations are thread-safe: every event loop writes for the sessions it holds. A
 * remote (clustered) journal would complete a write before the call returns too, so that the
 * acknowledgement rule holds unchanged.
 *
 * <p>A write that fails (a full disk) is counted against the calling thread ({@link
 * #failedWrites()}): the publisher's loop compares the count before and after routing and refuses,
 * rather than acknowledges, what was not stored. Removals that fail are only counted: what they
 * leave behind comes back after a restart as a duplicate, never as a loss.
 */
public interface Journal extends AutoCloseable {
  /** {@code persistence false}: nothing is kept, every method returns at once. */
  Journal NONE = new NoJournal();

  /** {@link #putMessage}'s answer when the message could not be stored. */
  long NOT_STORED = -1;

  /** Whether this journal keeps sessions at all; false: sessions are never written. */
  boolean keepsSessions();

  /** Writes (replaces) the record of a persistent session. */
  void putSession(SessionRecord r);

  /** Deletes the session of {@code clientId} and everything stored for it. */
  void removeSession(String clientId);

  /**
   * Writes a QoS 1/2 message for {@code clientId}.
   *
   * @return its sequence number, which later calls name it by (never 0), or {@link #NOT_STORED}
   */
  long putMessage(String clientId, Message m, int qos, boolean retain, List<Integer> ids);

  /** The message {@code seq} went out with {@code packetId}; a restart resends it with that id. */
  void markInFlight(String clientId, long seq, int packetId);

  /** The message {@code seq} is done with (acknowledged, expired, dropped). */
  void removeMessage(String clientId, long seq);

  /** PUBREC came for message {@code seq}: only its packet id remains, awaiting PUBCOMP. */
  void messageReceived(String clientId, long seq, int packetId);

  /** PUBCOMP came for {@code packetId}. */
  void removePubrel(String clientId, int packetId);

  /** An incoming QoS 2 {@code packetId} awaits its PUBREL: a resend must not be routed twice. */
  void putIncomingQos2(String clientId, int packetId);

  /** The PUBREL for an incoming QoS 2 {@code packetId} came. */
  void removeIncomingQos2(String clientId, int packetId);

  /** Stores {@code m} as the retained message of {@code topic}, or clears it (empty payload). */
  void putRetained(String topic, Message m);

  /**
   * Reads everything back at start-up: calls {@code retained} with each unexpired retained message
   * (the sink owns it) and returns the sessions.
   */
  List<StoredSession> load(BiConsumer<String, Message> retained);

  /**
   * How many writes that an acknowledgement depends on failed on the calling thread so far; the ack
   * path compares it before and after its writes.
   */
  int failedWrites();

  /**
   * Whether writes succeed now. While they fail, the journal tries to recover (at most once a
   * second), so this may recover the store.
   */
  boolean writable();

  /**
   * Calls {@code ack} once what the calling thread wrote so far is as durable as the journal
   * promises: at once, unless writes are committed in groups ({@code persistence_sync batch}), in
   * which case {@code ack} runs on {@code loop} (the caller's) after the group's one fsync, in the
   * order the calls were made. Called on {@code loop}.
   */
  void whenDurable(Executor loop, Durable ack);

  /** An acknowledgement waiting for its writes to be durable. */
  @FunctionalInterface
  interface Durable {
    /** {@code stored} false: the commit failed, so the acknowledgement must be a refusal. */
    void done(boolean stored);
  }

  /** Where the journal lives, for log lines. */
  String describe();

  /**
   * Why a PUBLISH was refused when {@link #whenDurable} said not stored: the MQTT 5 reason string
   * (it names no path or configuration) and, for an MQTT 3.1.1 client, the reason its connection is
   * closed.
   */
  default String refusal() {
    return "message not stored: the broker's store cannot write";
  }

  @Override
  void close();

  /** What the journal keeps of a session between its connections. */
  record SessionRecord(
      String clientId,
      long expiryInterval,
      long disconnectedAtMillis,
      String username,
      List<ClientSubscription> subscriptions) {}

  /** A message restored for a session, in the order it was stored. */
  record StoredMessage(
      long seq, Message message, int qos, boolean retain, List<Integer> ids, int packetId) {}

  /** A session restored from the journal, with what was pending for it. */
  record StoredSession(
      SessionRecord record,
      List<StoredMessage> messages,
      Set<Integer> pubrels,
      Set<Integer> incomingQos2) {}
}
