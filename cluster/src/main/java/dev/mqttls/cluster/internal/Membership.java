package dev.mqttls.cluster.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.MergeEvent;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in the cluster as this node sees it: one log line per join, leave and merge, and whether
 * this node is on the majority side of {@code cluster_peers} (a minority refuses connections, so
 * that two halves never both accept the same client id).
 */
@Listener
public final class Membership {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  private final String self;
  private final int majority;
  private final int configured;
  private final Consumer<Set<String>> left;
  private final Runnable changed;
  private volatile Set<String> members;
  private final AtomicLong joined = new AtomicLong();
  private final AtomicLong leftCount = new AtomicLong();

  /**
   * @param left told the nodes that left, on every view that drops some
   * @param changed told after every view change
   */
  public Membership(
      String self, int configured, int majority, Consumer<Set<String>> left, Runnable changed) {
    this.self = self;
    this.configured = configured;
    this.majority = majority;
    this.left = left;
    this.changed = changed;
    this.members = Set.of(self);
  }

  /** Sets the first view (when this node has joined). */
  public void initial(List<Address> view) {
    members = names(view);
    LOG.info(
        "Cluster: {} joined, {} of {} node(s) up: {}", self, members.size(), configured, members);
    minorityNow(true);
  }

  /** The nodes of the current view, sorted. */
  public Set<String> members() {
    return members;
  }

  /** How many nodes are configured ({@code cluster_peers}, this one included). */
  public int configured() {
    return configured;
  }

  /** Nodes that joined this node's view since its first view, merges included. */
  public long joined() {
    return joined.get();
  }

  /** Nodes that left this node's view (or were suspected and removed) since it started. */
  public long left() {
    return leftCount.get();
  }

  /** Whether this node sees fewer than a majority of the configured nodes. */
  public boolean minority() {
    return members.size() < majority;
  }

  /** Why CONNECTs are refused here now, or null when they are not. */
  public String minorityReason() {
    Set<String> m = members;
    if (m.size() >= majority) {
      return null;
    }
    return "cluster: this node sees "
        + m.size()
        + " of "
        + configured
        + " nodes, fewer than a majority ("
        + majority
        + "): refusing connections until the partition heals";
  }

  @ViewChanged
  public void viewChanged(ViewChangedEvent e) {
    apply(e, false);
  }

  /** Infinispan reports a merge view here only, not to {@link #viewChanged}. */
  @Merged
  public void merged(MergeEvent e) {
    apply(e, true);
  }

  private synchronized void apply(ViewChangedEvent e, boolean merge) {
    Set<String> before = members;
    Set<String> now = names(e.getNewMembers());
    members = now;
    if (merge) {
      List<String> parts = new ArrayList<>();
      for (List<Address> sub : ((MergeEvent) e).getSubgroupsMerged()) {
        parts.add(names(sub).toString());
      }
      LOG.info(
          "Cluster: partitions {} merged, {} of {} node(s) up: {}",
          parts,
          now.size(),
          configured,
          now);
    } else {
      for (String n : now) {
        if (!before.contains(n)) {
          LOG.info("Cluster: {} joined, {} of {} node(s) up: {}", n, now.size(), configured, now);
        }
      }
    }
    Set<String> gone = new TreeSet<>(before);
    gone.removeAll(now);
    Set<String> added = new TreeSet<>(now);
    added.removeAll(before);
    joined.addAndGet(added.size());
    leftCount.addAndGet(gone.size());
    for (String n : gone) {
      LOG.warn(
          "Cluster: {} left or was suspected and removed, {} of {} node(s) up: {}",
          n,
          now.size(),
          configured,
          now);
    }
    boolean wasMinority = before.size() < majority;
    minorityNow(wasMinority != minority());
    if (!gone.isEmpty()) {
      left.accept(gone);
    }
    changed.run();
  }

  private void minorityNow(boolean changedSide) {
    if (!changedSide) {
      return;
    }
    String why = minorityReason();
    if (why != null) {
      LOG.warn("Cluster: {}", why.substring("cluster: ".length()));
    } else {
      LOG.info(
          "Cluster: {} of {} nodes up, a majority: accepting connections",
          members.size(),
          configured);
    }
  }

  private static Set<String> names(List<Address> view) {
    Set<String> s = new TreeSet<>();
    if (view != null) {
      for (Address a : view) {
        s.add(a.toString());
      }
    }
    return s;
  }
}
