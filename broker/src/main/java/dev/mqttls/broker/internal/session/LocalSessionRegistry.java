package dev.mqttls.broker.internal.session;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Subscriber;
import dev.mqttls.broker.internal.security.AccessControl;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sessions of this process, in a concurrent map; gone when the process ends. */
public final class LocalSessionRegistry implements SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.broker");

  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
  private final SessionServices services;
  private final EventLoopGroup loops;

  /** Restored sessions are spread over {@code loops}. */
  public LocalSessionRegistry(SessionServices services, EventLoopGroup loops) {
    this.services = services;
    this.loops = loops;
  }

  @Override
  public Session get(String clientId) {
    return sessions.get(clientId);
  }

  @Override
  public Subscriber subscriber(String clientId) {
    return sessions.get(clientId);
  }

  private Session newSession(String clientId, EventExecutor executor) {
    return new Session(clientId, services, executor, s -> sessions.remove(s.clientId(), s));
  }

  @Override
  public CompletionStage<Claim> claim(String clientId, boolean cleanStart, EventExecutor loop) {
    CompletableFuture<Claim> done = new CompletableFuture<>();
    take(clientId, cleanStart, loop, done);
    return done;
  }

  private void take(
      String clientId, boolean cleanStart, EventExecutor loop, CompletableFuture<Claim> done) {
    Session s = sessions.computeIfAbsent(clientId, id -> newSession(id, loop));
    s.run(() -> claimOnSessionLoop(s, clientId, cleanStart, loop, done));
  }

  private void claimOnSessionLoop(
      Session s,
      String clientId,
      boolean cleanStart,
      EventExecutor loop,
      CompletableFuture<Claim> done) {
    if (s.ended()) {
      // Ended between the lookup and now: start over with a new session.
      loop.execute(() -> take(clientId, cleanStart, loop, done));
      return;
    }
    if (s.claimPending()) {
      // Another connection is between its claim and its CONNACK: let it finish, then take the
      // session over from it like from any connected client (it gets Session Taken Over).
      s.waitForClaim(() -> claimOnSessionLoop(s, clientId, cleanStart, loop, done));
      return;
    }
    SessionOutput old = s.output();
    if (old != null) {
      s.detachForTakeover();
      old.takenOver();
    }
    if (cleanStart) {
      s.clear();
    }
    boolean present = s.everAttached();
    s.claim();
    s.moveTo(loop);
    loop.execute(() -> done.complete(new Claim(s, present)));
  }

  /**
   * Closes the connection holding {@code clientId}'s session (it is told Session Taken Over) and
   * ends the session here: another node took the client id over.
   */
  public void evict(String clientId) {
    Session s = sessions.get(clientId);
    if (s == null) {
      return;
    }
    s.run(
        () -> {
          if (s.ended()) {
            return;
          }
          SessionOutput old = s.output();
          if (old != null) {
            s.detachForTakeover();
            old.takenOver();
          }
          s.end();
        });
  }

  @Override
  public RestoreCount restore(Collection<Journal.StoredSession> stored, AccessControl access) {
    int restored = 0;
    int messages = 0;
    for (Journal.StoredSession ss : stored) {
      String id = ss.record().clientId();
      Session s = newSession(id, loops.next());
      int kept = s.restore(ss, access);
      if (kept >= 0) {
        sessions.putIfAbsent(id, s);
        restored++;
        messages += kept;
      } else {
        LOG.info("Session of client {} expired while the broker was stopped", id);
        services.journal().removeSession(id);
      }
    }
    return new RestoreCount(restored, messages);
  }

  /**
   * Puts back one stored session while the broker runs (a cluster node adopting a session another
   * node held), as {@link #restore} does at start-up: offline, its subscriptions in the table, its
   * messages queued or in flight with their packet ids. Call on {@code loop}, which the session
   * then lives on, before any connection claims the client id here.
   *
   * @return false when this node holds a session for the id already or the stored one has expired
   *     (its messages are released either way)
   */
  public boolean adopt(Journal.StoredSession stored, AccessControl access, EventExecutor loop) {
    String id = stored.record().clientId();
    if (sessions.containsKey(id)) {
      stored.messages().forEach(m -> m.message().release());
      return false;
    }
    Session s = newSession(id, loop);
    if (s.restore(stored, access) < 0) {
      LOG.info("Session of client {} expired before it was adopted", id);
      services.journal().removeSession(id);
      return false;
    }
    sessions.put(id, s);
    return true;
  }

  @Override
  public Collection<Session> all() {
    return sessions.values();
  }

  @Override
  public int size() {
    return sessions.size();
  }
}
