package dev.mqttls.cluster.internal.routing;

import dev.mqttls.broker.internal.routing.LocalRouter;
import dev.mqttls.broker.internal.routing.Message;
import dev.mqttls.broker.internal.routing.Router;
import dev.mqttls.cluster.internal.wire.Frame;
import dev.mqttls.codec.Qos;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Router} of a cluster node: this node's subscribers first (and the retained store,
 * which replicates), then one frame, encoded once, to each other node with a matching filter.
 * Shared subscriptions get each message once cluster-wide: a share group with a member here is
 * served here; otherwise one node with a member, picked round-robin, gets the frame wrapped with
 * that group's name ({@link SharedFrame}), and only that node serves the group. For QoS 1/2 the
 * wait for those nodes is left with the calling thread for {@link ClusterJournal}, which holds the
 * publisher's acknowledgement until they have it.
 *
 * <p>{@code $SYS} topics stay on their node: each node has its own.
 */
public final class ClusterRouter implements Router {
  private static final FastThreadLocal<CompletableFuture<Boolean>> FORWARDED =
      new FastThreadLocal<>();

  private final LocalRouter local;
  private final RouteTable routes;
  private final Forwarder forwarder;
  private final Predicate<String> holdsSessions;

  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  /** Departed nodes whose refusals were logged: one line per node, not per PUBLISH. */
  private final Set<String> announced = ConcurrentHashMap.newKeySet();

  private static final CompletableFuture<Boolean> REFUSED =
      CompletableFuture.completedFuture(false);

  public ClusterRouter(
      LocalRouter local, RouteTable routes, Forwarder forwarder, Predicate<String> holdsSessions) {
    this.local = local;
    this.routes = routes;
    this.forwarder = forwarder;
    this.holdsSessions = holdsSessions;
  }

  @Override
  public int publish(Message m) {
    FORWARDED.remove();
    String topic = m.publish().topic();
    if (topic.startsWith("$SYS/")) {
      return local.publish(m);
    }
    Map<String, List<String>> nodes = routes.nodesMatching(topic);
    boolean confirm = m.publish().qos() != Qos.AT_MOST_ONCE;
    if (confirm && m.originGate() != null && !nodes.isEmpty() && awaitsHeir(nodes.keySet())) {
      // A node that died with persistent sessions matches, and its heir has not adopted them yet:
      // routed nowhere and refused, so the client sends it again (to the heir, by then). A will
      // (no client to resend it) is routed as it can be.
      FORWARDED.set(REFUSED);
      return 0;
    }
    if (nodes.isEmpty()) {
      // No other node gets a copy, so none needs telling apart from it: no id.
      return local.publish(m);
    }
    long seq = confirm ? forwarder.nextSeq() : 0;
    // Every copy of a QoS 1/2 message, here and on other nodes, carries the same id.
    m.clusterId(seq);
    int matched = local.publish(m);
    byte[] frame = Frame.publish(seq, m);
    Map<String, byte[]> frames = new HashMap<>(nodes.size() * 2);
    for (Map.Entry<String, List<String>> e : nodes.entrySet()) {
      List<String> groups = e.getValue();
      frames.put(e.getKey(), groups.isEmpty() ? frame : SharedFrame.wrap(groups, frame));
    }
    CompletableFuture<Boolean> f = forwarder.send(frames, seq);
    if (f != null) {
      FORWARDED.set(f);
    }
    return matched + nodes.size();
  }

  /** Whether one of {@code nodes} has left the cluster with persistent sessions not yet adopted. */
  private boolean awaitsHeir(Set<String> nodes) {
    Set<String> members = forwarder.memberNames();
    for (String n : nodes) {
      if (members.contains(n)) {
        if (!announced.isEmpty()) {
          // Back in the view: a later departure is announced again.
          announced.remove(n);
        }
        continue;
      }
      if (holdsSessions.test(n)) {
        if (announced.add(n)) {
          LOG.info(
              "Cluster: QoS 1/2 PUBLISHes matching subscriptions of {} (left) are refused until a"
                  + " survivor adopts its persistent sessions; their publishers send them again",
              n);
        }
        return true;
      }
    }
    return false;
  }

  /**
   * What the last {@link #publish} on this thread waits for from other nodes (null: nothing), and
   * forgets it.
   */
  static CompletableFuture<Boolean> takeForwarded() {
    CompletableFuture<Boolean> f = FORWARDED.getIfExists();
    if (f != null) {
      FORWARDED.remove();
    }
    return f;
  }
}
