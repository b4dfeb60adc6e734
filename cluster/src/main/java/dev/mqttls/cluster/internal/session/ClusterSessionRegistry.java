package dev.mqttls.cluster.internal.session;

import dev.mqttls.broker.internal.persistence.Journal;
import dev.mqttls.broker.internal.routing.Subscriber;
import dev.mqttls.broker.internal.security.AccessControl;
import dev.mqttls.broker.internal.session.LocalSessionRegistry;
import dev.mqttls.broker.internal.session.Session;
import dev.mqttls.broker.internal.session.SessionRegistry;
import dev.mqttls.cluster.internal.Membership;
import dev.mqttls.cluster.internal.routing.Forwarder;
import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.concurrent.CompletionStage;
import org.infinispan.Cache;

/**
 * This node's sessions, with each client id owned by one node cluster-wide: a replicated cache maps
 * client id to the node that claimed it last. A claim here records this node as the owner and tells
 * the previous owner, which closes its connection (Session Taken Over) and ends its copy of the
 * session. A node cut off from the majority takes no claims.
 */
public final class ClusterSessionRegistry implements SessionRegistry {
  private final LocalSessionRegistry local;
  private final Cache<String, String> owners;
  private final String self;
  private final Forwarder forwarder;
  private final Membership membership;

  public ClusterSessionRegistry(
      LocalSessionRegistry local,
      Cache<String, String> owners,
      String self,
      Forwarder forwarder,
      Membership membership) {
    this.local = local;
    this.owners = owners;
    this.self = self;
    this.forwarder = forwarder;
    this.membership = membership;
  }

  @Override
  public CompletionStage<Claim> claim(String clientId, boolean cleanStart, EventExecutor loop) {
    return owners
        .putAsync(clientId, self)
        .thenComposeAsync(
            previous -> {
              if (previous != null && !previous.equals(self)) {
                forwarder.takeover(previous, clientId);
              }
              return local.claim(clientId, cleanStart, loop);
            },
            loop);
  }

  /** Another node took {@code clientId} over: close its connection here and end the session. */
  public void takenOver(String clientId) {
    local.evict(clientId);
  }

  @Override
  public String unavailable() {
    return membership.minorityReason();
  }

  @Override
  public Session get(String clientId) {
    return local.get(clientId);
  }

  @Override
  public Subscriber subscriber(String clientId) {
    return local.subscriber(clientId);
  }

  @Override
  public RestoreCount restore(Collection<Journal.StoredSession> stored, AccessControl access) {
    return local.restore(stored, access);
  }

  @Override
  public Collection<Session> all() {
    return local.all();
  }

  @Override
  public int size() {
    return local.size();
  }
}
