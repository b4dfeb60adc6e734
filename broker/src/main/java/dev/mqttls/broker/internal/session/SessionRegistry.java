package dev.mqttls.broker.internal.session;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Subscriber;
import dev.mqttls.broker.internal.security.AccessControl;
import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.concurrent.CompletionStage;

/**
 * Who holds client id X: the sessions of this broker, and the one way to take one (a CONNECT's
 * claim, with takeover). Thread-safe.
 *
 * <p>{@link #claim} completes asynchronously, on the claiming connection's loop, so that a
 * clustered registry (where the client id may be held on another node) fits behind the same call.
 */
public interface SessionRegistry extends Subscriber.Lookup {
  /** The session of {@code clientId}, or null. */
  Session get(String clientId);

  /**
   * Claims the session of {@code clientId} for a new connection on {@code loop}: creates it when
   * missing, takes it over from the connection holding it (that one is told {@link
   * SessionOutput#takenOver()}), applies Clean Start, and moves it onto {@code loop}. Completes on
   * {@code loop}; the claimer must then attach to the session (or give up) and call {@link
   * Session#claimDone()}, which lets the next claim for the same id proceed.
   */
  CompletionStage<Claim> claim(String clientId, boolean cleanStart, EventExecutor loop);

  /** Puts back the sessions the journal held at start-up (before any listener is bound). */
  RestoreCount restore(Collection<Journal.StoredSession> stored, AccessControl access);

  /**
   * Why this node takes no CONNECT now (a cluster node cut off from the majority), said in the log;
   * null when it does. The client is refused with Server unavailable.
   */
  default String unavailable() {
    return null;
  }

  /** Every session, a weakly consistent view. */
  Collection<Session> all();

  /** Number of sessions. */
  int size();

  /** A claimed session; {@code present}: it existed before (MQTT's Session Present). */
  record Claim(Session session, boolean present) {}

  /** What {@link #restore} brought back. */
  record RestoreCount(int sessions, int messages) {}
}
