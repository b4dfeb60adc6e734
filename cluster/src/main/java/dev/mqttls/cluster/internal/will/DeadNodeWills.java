package dev.mqttls.cluster.internal.will;

import dev.mqttls.broker.internal.BrokerContext;
import dev.mqttls.broker.internal.routing.Message;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.infinispan.Cache;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.MergeEvent;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the wills of clients whose node has left the cluster. On each view (and at start), the
 * lowest-named node of a majority looks through the wills cache for entries of nodes no longer in
 * the view and publishes each after its delay, counted from then, through this node's router (so it
 * reaches subscribers on every node, and a retained will is retained cluster-wide). Before it
 * publishes, it removes the entry if it is still the same: a connection of the client id on any
 * node since then has replaced or removed it (the will is then not due, MQTT 5 section 3.1.2.5),
 * and a second survivor doing the same finds it gone, so each will is published once.
 */
@Listener
public final class DeadNodeWills {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  private final Cache<String, String> cache;
  private final String self;
  private final int majority;

  /** Stamps of the wills this node has a timer for. */
  private final Set<String> scheduled = ConcurrentHashMap.newKeySet();

  private volatile BrokerContext broker;

  /** The stamp prefix of this node's own connections in this life ({@link ReplicatedWills}). */
  private final String ownStamps;

  public DeadNodeWills(Cache<String, String> cache, String self, int majority, String incarnation) {
    this.cache = cache;
    this.self = self;
    this.majority = majority;
    this.ownStamps = incarnation + ".";
  }

  /**
   * The broker is together: look once at the view this node joined. Besides what the lowest node
   * does, a node that restarted under its old name (before the others saw it go) takes care of the
   * wills of its own former life: to the others its name never left the view.
   */
  public void start(BrokerContext context, List<Address> view) {
    broker = context;
    TreeSet<String> members = names(view);
    if (members.size() >= majority && !self.equals(members.first())) {
      EventLoop loop = context.loops().next();
      ForkJoinPool.commonPool().execute(() -> scan(Set.of(), loop, true));
    }
    membersNow(members);
  }

  @ViewChanged
  public void viewChanged(ViewChangedEvent e) {
    membersNow(names(e.getNewMembers()));
  }

  /** Infinispan reports a merge view here only, not to {@link #viewChanged}. */
  @Merged
  public void merged(MergeEvent e) {
    membersNow(names(e.getNewMembers()));
  }

  private void membersNow(TreeSet<String> members) {
    BrokerContext b = broker;
    if (b == null || members.size() < majority || !self.equals(members.first())) {
      return;
    }
    // Off Infinispan's notification thread, and off the event loops: iterating the cache may wait
    // for a state transfer. The timers and the publishing run on one loop.
    EventLoop loop = b.loops().next();
    ForkJoinPool.commonPool().execute(() -> scan(members, loop, false));
  }

  /**
   * Schedules the wills of nodes not in {@code members}, and those of this node's former life; with
   * {@code formerLifeOnly}, the latter only.
   */
  private void scan(Set<String> members, EventLoop loop, boolean formerLifeOnly) {
    List<Map.Entry<String, String>> entries = new ArrayList<>(cache.entrySet());
    for (Map.Entry<String, String> e : entries) {
      WillRecord r;
      try {
        r = WillRecord.decode(e.getValue());
      } catch (RuntimeException ex) {
        LOG.warn(
            "Cluster: unreadable will of {} in the wills cache: {}", e.getKey(), ex.toString());
        continue;
      }
      boolean formerLife = r.node().equals(self) && !r.stamp().startsWith(ownStamps);
      boolean gone = formerLife || (!formerLifeOnly && !members.contains(r.node()));
      if (!gone || !scheduled.add(r.stamp())) {
        continue;
      }
      String clientId = e.getKey();
      String value = e.getValue();
      LOG.info(
          "Cluster: will of {} (its node {} left) is due in {} s",
          clientId,
          r.node(),
          r.delaySeconds());
      broker
          .ticker()
          .schedule(
              loop,
              () -> publishIfStillDue(clientId, value, r, loop),
              r.delaySeconds(),
              TimeUnit.SECONDS);
    }
  }

  private void publishIfStillDue(String clientId, String value, WillRecord r, EventLoop loop) {
    cache
        .removeAsync(clientId, value)
        .whenComplete(
            (removed, e) -> {
              scheduled.remove(r.stamp());
              if (e != null) {
                LOG.warn(
                    "Cluster: will of {} (node {}) not published: could not take it from the"
                        + " wills cache: {}",
                    clientId,
                    r.node(),
                    e.toString());
              } else if (Boolean.TRUE.equals(removed)) {
                loop.execute(() -> publish(clientId, r));
              } else {
                LOG.info(
                    "Cluster: will of {} (node {}) not published: the client connected again (or"
                        + " another node published it)",
                    clientId,
                    r.node());
              }
            });
  }

  private void publish(String clientId, WillRecord r) {
    BrokerContext b = broker;
    Message m;
    try {
      m = r.message(b.ticker().nanoTime());
    } catch (RuntimeException e) {
      LOG.warn("Cluster: will of {} unreadable: {}", clientId, e.toString());
      return;
    }
    try {
      b.router().publish(m);
    } finally {
      m.release();
    }
    LOG.info("Cluster: published the will of {} (its node {} left)", clientId, r.node());
  }

  private static TreeSet<String> names(List<Address> view) {
    TreeSet<String> s = new TreeSet<>();
    if (view != null) {
      for (Address a : view) {
        s.add(a.toString());
      }
    }
    return s;
  }
}
