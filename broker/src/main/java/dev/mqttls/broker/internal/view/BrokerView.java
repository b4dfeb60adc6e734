package dev.mqttls.broker.internal.view;

import dev.mqttls.broker.internal.routing.ClientSubscription;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.broker.internal.session.SessionRegistry;
import dev.mqttls.broker.internal.time.Ticker;
import io.netty.util.concurrent.EventExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;

/**
 * What the dashboard reads of a running broker besides its meters and {@code BrokerTelemetry}:
 * session contents and the latest ACL denials. Thread-safe. Connections report denials here (one
 * short locked append each, off the message path); session state is read on each session's own
 * event loop, one task per loop, so nothing confined to a loop is touched from outside.
 */
public final class BrokerView {
  /** ACL denials kept, all clients together. */
  public static final int DENIALS_KEPT = 500;

  /** Characters kept of each string a client chose (client id, topic) in a denial. */
  static final int KEPT_CHARS = 256;

  private final SessionRegistry sessions;
  private final Ticker ticker;
  private final Recent<AclDenial> denials = new Recent<>(DENIALS_KEPT);

  public BrokerView(SessionRegistry sessions, Ticker ticker) {
    this.sessions = sessions;
    this.ticker = ticker;
  }

  private Instant now() {
    return Instant.ofEpochMilli(ticker.currentTimeMillis());
  }

  /**
   * The ACL denied {@code clientId} {@code what} (e.g. {@code PUBLISH to a/b}) for {@code cause}.
   */
  public void denied(String clientId, String address, String what, String cause) {
    denials.add(new AclDenial(now(), cut(clientId), address, cut(what), cause));
  }

  /**
   * A client's strings (client id, topic) may be 64 KiB each, and a refused client has not
   * authenticated: the feed keeps a bounded prefix, so that it stays small whatever is sent.
   */
  private static String cut(String s) {
    return s.length() <= KEPT_CHARS ? s : s.substring(0, KEPT_CHARS) + "…";
  }

  /** Up to {@code limit} of the latest ACL denials of {@code clientId}, newest first. */
  public List<AclDenial> denials(String clientId, int limit) {
    return denials.newest(d -> d.clientId().equals(clientId), limit);
  }

  /**
   * Every session's counts, read on the sessions' own loops: one task per loop for the sessions
   * found there, and one task per session that a takeover moved to another loop meanwhile.
   */
  public CompletionStage<List<SessionSummary>> sessions() {
    Map<EventExecutor, List<Session>> byLoop = new HashMap<>();
    for (Session s : sessions.all()) {
      byLoop.computeIfAbsent(s.executor(), e -> new ArrayList<>()).add(s);
    }
    List<CompletableFuture<List<SessionSummary>>> parts = new ArrayList<>();
    byLoop.forEach((loop, list) -> parts.add(onLoop(loop, list)));
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            done -> {
              List<SessionSummary> all = new ArrayList<>();
              parts.forEach(p -> all.addAll(p.join()));
              return all;
            });
  }

  private static CompletableFuture<List<SessionSummary>> onLoop(
      EventExecutor loop, List<Session> list) {
    CompletableFuture<List<SessionSummary>> f = new CompletableFuture<>();
    try {
      loop.execute(
          () -> {
            List<SessionSummary> here = new ArrayList<>(list.size());
            List<CompletableFuture<SessionSummary>> moved = new ArrayList<>();
            for (Session s : list) {
              if (s.executor().inEventLoop()) {
                here.add(summary(s));
              } else {
                CompletableFuture<SessionSummary> m = new CompletableFuture<>();
                s.run(() -> m.complete(summary(s)));
                moved.add(m);
              }
            }
            CompletableFuture.allOf(moved.toArray(new CompletableFuture<?>[0]))
                .thenRun(
                    () -> {
                      moved.forEach(m -> here.add(m.join()));
                      f.complete(here);
                    });
          });
    } catch (RejectedExecutionException e) {
      // The broker is shutting down.
      f.completeExceptionally(e);
    }
    return f;
  }

  private static SessionSummary summary(Session s) {
    return new SessionSummary(
        s.clientId(), s.isOnline(), s.subscriptionCount(), s.queuedCount(), s.inFlight().size());
  }

  /** One client's page data, or empty when the broker holds no session for {@code clientId}. */
  public CompletionStage<Optional<ClientDetail>> client(String clientId, int denialLimit) {
    Session s = sessions.get(clientId);
    List<AclDenial> denied = denials(clientId, denialLimit);
    if (s == null) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    CompletableFuture<Optional<ClientDetail>> done = new CompletableFuture<>();
    // Session#run follows the session if a takeover moves it to another loop meanwhile.
    s.run(() -> done.complete(Optional.of(detail(s, denied))));
    return done;
  }

  private static ClientDetail detail(Session s, List<AclDenial> denied) {
    List<ClientDetail.Subscription> subs = new ArrayList<>();
    for (ClientSubscription c : s.subscriptionsCopy()) {
      subs.add(
          new ClientDetail.Subscription(
              c.fullFilter(),
              c.qos(),
              c.noLocal(),
              c.retainAsPublished(),
              c.retainHandling(),
              c.subscriptionId()));
    }
    subs.sort(java.util.Comparator.comparing(ClientDetail.Subscription::filter));
    return new ClientDetail(summary(s), subs, s.inFlight(), denied);
  }
}
