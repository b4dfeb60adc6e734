package dev.mqttls.broker.internal;

import java.util.Collection;
import java.util.function.Function;

/**
 * Where sessions live, keyed by client id. Thread-safe. Always in memory; with {@code persistence
 * true} each {@link Session} also writes itself through to the {@link PersistentStore}, which fills
 * this map again at start-up.
 */
interface SessionStore {
  /** The session of {@code clientId}, or null. */
  Session get(String clientId);

  /** The session of {@code clientId}, created by {@code factory} when there is none. */
  Session getOrCreate(String clientId, Function<String, Session> factory);

  /** Removes the session only if it is still {@code expected}; returns whether it did. */
  boolean remove(String clientId, Session expected);

  /** Every session, a weakly consistent view. */
  Collection<Session> all();

  /** Number of sessions. */
  int size();
}
