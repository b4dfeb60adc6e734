package dev.mqttls.cluster.internal.routing;

import dev.mqttls.broker.internal.routing.LocalRouter;
import dev.mqttls.cluster.internal.ClusterIds;
import dev.mqttls.cluster.internal.wire.Frame;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.fork.ForkChannel;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node-to-node messages on a fork of Infinispan's JGroups channel (the same TLS connections): sends
 * a PUBLISH frame to a set of nodes and completes when each of them has routed it, or has left the
 * cluster; delivers the frames other nodes send to a {@link Inbound}. JGroups' UNICAST3 keeps each
 * pair of nodes' frames in order, which keeps MQTT's order per publisher across nodes.
 */
public final class Forwarder implements Receiver, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.mqttls.cluster");

  /** How long a node may take to confirm a forwarded QoS 1/2 message before it counts as lost. */
  static final long ACK_TIMEOUT_MS = 10_000;

  /** How long a takeover waits for the previous node to hand the session over. */
  static final long HANDOVER_TIMEOUT_MS = 5_000;

  /** How long a leaving node waits for another to adopt one of its sessions. */
  static final long ADOPTION_TIMEOUT_MS = 10_000;

  /** What this node does with what other nodes send it. */
  public interface Inbound {
    /**
     * A PUBLISH frame from {@code node}, for this node's ordinary subscriptions and the share
     * groups {@code groups} serves; call {@code routed} once it is handed to subscribers.
     */
    void publish(
        String node,
        byte[] frame,
        int off,
        int len,
        LocalRouter.ShareGroups groups,
        Runnable routed);

    /** {@code node} took over {@code clientId}: close its connection here. */
    void takenOver(String node, String clientId);

    /** {@code node} is leaving and hands {@code clientId}'s session to this node. */
    void handOff(String node, String clientId);
  }

  private final ForkChannel fork;
  private final Inbound inbound;
  private final Predicate<String> holdsSessions;
  private final ClusterIds ids;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private volatile dev.mqttls.cluster.internal.metrics.ForwardMeter meter =
      dev.mqttls.cluster.internal.metrics.ForwardMeter.NONE;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "mqttls-cluster-timer");
            t.setDaemon(true);
            return t;
          });
  private volatile Map<String, Address> members = Map.of();

  /** TAKEOVERs awaiting their HANDED_OVER, by {@code NODE \0 CLIENT-ID}. */
  private final Map<String, CompletableFuture<Boolean>> handovers = new ConcurrentHashMap<>();

  /** HAND_OFFs awaiting their ADOPTED, by {@code NODE \0 CLIENT-ID}. */
  private final Map<String, CompletableFuture<Boolean>> adoptions = new ConcurrentHashMap<>();

  /**
   * @param holdsSessions whether a node has held persistent sessions: a frame it did not confirm
   *     before it died is then refused to the publisher (its sessions live on elsewhere and need
   *     the message resent), not taken as safe
   */
  public Forwarder(JChannel main, Inbound inbound, Predicate<String> holdsSessions, ClusterIds ids)
      throws Exception {
    this.ids = ids;
    this.inbound = inbound;
    this.holdsSessions = holdsSessions;
    this.fork = new ForkChannel(main, "mqttls", "routes");
    fork.setReceiver(this);
    fork.connect("mqttls");
    viewAccepted(main.getView());
    timer.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * The next sequence number for a PUBLISH frame that wants acknowledgements: the message's id
   * across the cluster too ({@link ClusterIds}).
   */
  public long nextSeq() {
    return ids.next();
  }

  /**
   * Sends each node its frame (a PUBLISH frame, or a {@link SharedFrame} around it, all with
   * sequence number {@code seq}). With {@code seq} 0 nothing is awaited and the result is null;
   * otherwise it completes true once every node has routed it (or left), false when one did not
   * within {@link #ACK_TIMEOUT_MS}.
   */
  public CompletableFuture<Boolean> send(Map<String, byte[]> frames, long seq) {
    Map<String, Address> m = members;
    Map<Address, byte[]> to = new HashMap<>(frames.size() * 2);
    Pending p = seq == 0 ? null : new Pending(System.nanoTime());
    for (Map.Entry<String, byte[]> e : frames.entrySet()) {
      Address a = m.get(e.getKey());
      if (a != null) {
        to.put(a, e.getValue());
        if (p != null) {
          p.waiting.add(e.getKey());
        }
      }
    }
    if (p != null) {
      // Complete before the first send, so that no acknowledgement can find it missing.
      pending.put(seq, p);
    }
    for (Map.Entry<Address, byte[]> e : to.entrySet()) {
      sendTo(e.getKey(), e.getValue());
    }
    if (p == null) {
      return null;
    }
    p.check();
    if (p.done.isDone()) {
      pending.remove(seq);
    }
    return p.done;
  }

  /**
   * Tells {@code node} that this node took {@code clientId} over. Completes true when it answers
   * that it has handed the session over (or has left the cluster), false after {@link
   * #HANDOVER_TIMEOUT_MS}.
   */
  public CompletableFuture<Boolean> takeover(String node, String clientId) {
    return request(node, clientId, Frame.takeover(clientId), handovers, HANDOVER_TIMEOUT_MS);
  }

  /**
   * Asks {@code node} to adopt {@code clientId}'s session (this node is leaving). Completes true
   * when it answers that it holds it (or has left), false after {@link #ADOPTION_TIMEOUT_MS}.
   */
  public CompletableFuture<Boolean> handOff(String node, String clientId) {
    return request(node, clientId, Frame.handOff(clientId), adoptions, ADOPTION_TIMEOUT_MS);
  }

  /** Answers {@code node}'s HAND_OFF: the session of {@code clientId} is held here now. */
  public void adopted(String node, String clientId) {
    Address a = members.get(node);
    if (a != null) {
      sendTo(a, Frame.adopted(clientId));
    }
  }

  private CompletableFuture<Boolean> request(
      String node,
      String clientId,
      byte[] frame,
      Map<String, CompletableFuture<Boolean>> waiting,
      long timeoutMs) {
    Address a = members.get(node);
    if (a == null) {
      return CompletableFuture.completedFuture(true);
    }
    String key = node + '\0' + clientId;
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    CompletableFuture<Boolean> earlier = waiting.put(key, done);
    if (earlier != null) {
      // One answer serves both: the node answers once per request, in order.
      done.whenComplete((ok, e) -> earlier.complete(ok));
    }
    done.completeOnTimeout(false, timeoutMs, TimeUnit.MILLISECONDS)
        .whenComplete((ok, e) -> waiting.remove(key, done));
    sendTo(a, frame);
    return done;
  }

  /** Answers {@code node}'s TAKEOVER: the session of {@code clientId} is handed over. */
  public void handedOver(String node, String clientId) {
    Address a = members.get(node);
    if (a != null) {
      sendTo(a, Frame.handedOver(clientId));
    }
  }

  /** Frames sent and not yet confirmed by every node they went to. */
  public int backlog() {
    return pending.size();
  }

  /** The nodes of the current view, this one included, by name. */
  public Set<String> memberNames() {
    return members.keySet();
  }

  /** Where each frame sent and received is counted. */
  public void meter(dev.mqttls.cluster.internal.metrics.ForwardMeter m) {
    meter = m;
  }

  private void sendTo(Address a, byte[] frame) {
    BytesMessage msg = new BytesMessage(a, frame);
    // Sent at once, not held for a batch: a publisher's acknowledgement waits on it.
    msg.setFlag(Message.Flag.DONT_BUNDLE);
    byte kind = Frame.kind(frame, 0);
    if (kind != Frame.PUBLISH && kind != SharedFrame.SHARED) {
      // Order among acknowledgements does not matter (ClusterJournal restores it per loop); out
      // of band they skip the queue of PUBLISH frames from that node.
      msg.setFlag(Message.Flag.OOB);
    }
    try {
      fork.send(msg);
    } catch (Exception e) {
      // The node left between the view and now: the view change settles what waited for it.
      LOG.debug("Cluster: could not send to {}: {}", a, e.toString());
    }
    meter.sent(name(a), frame, 0, frame.length);
  }

  @Override
  public void receive(Message msg) {
    byte[] b = msg.getArray();
    int off = msg.getOffset();
    int len = msg.getLength();
    String from = name(msg.getSrc());
    meter.received(from, b, off, len);
    switch (Frame.kind(b, off)) {
      case Frame.PUBLISH -> publish(msg.getSrc(), from, b, off, len, SharedFrame.NONE);
      case SharedFrame.SHARED -> {
        int inner = SharedFrame.inner(b, off);
        publish(msg.getSrc(), from, b, inner, len - (inner - off), SharedFrame.groups(b, off));
      }
      case Frame.ACK -> {
        long seq = Frame.seq(b, off);
        Pending p = pending.get(seq);
        if (p != null) {
          synchronized (p) {
            p.waiting.remove(from);
          }
          p.check();
          if (p.done.isDone()) {
            pending.remove(seq);
          }
        }
      }
      case Frame.TAKEOVER -> inbound.takenOver(from, Frame.clientId(b, off));
      case Frame.HANDED_OVER -> answered(handovers, from, Frame.clientId(b, off));
      case Frame.HAND_OFF -> inbound.handOff(from, Frame.clientId(b, off));
      case Frame.ADOPTED -> answered(adoptions, from, Frame.clientId(b, off));
      default -> LOG.warn("Cluster: unknown frame kind {} from {}", Frame.kind(b, off), from);
    }
  }

  private static void answered(
      Map<String, CompletableFuture<Boolean>> waiting, String from, String clientId) {
    CompletableFuture<Boolean> f = waiting.remove(from + '\0' + clientId);
    if (f != null) {
      f.complete(true);
    }
  }

  private void publish(
      Address src, String from, byte[] b, int off, int len, LocalRouter.ShareGroups groups) {
    long seq = Frame.seq(b, off);
    inbound.publish(
        from, b, off, len, groups, seq == 0 ? () -> {} : () -> sendTo(src, Frame.ack(seq)));
  }

  @Override
  public void viewAccepted(View view) {
    if (view == null) {
      return;
    }
    Map<String, Address> m = new HashMap<>();
    for (Address a : view.getMembers()) {
      m.put(name(a), a);
    }
    members = Map.copyOf(m);
    // A node that left hands nothing over any more: the session cache holds what it wrote. One
    // that left adopts nothing either: its heir settles what it would have.
    for (Map<String, CompletableFuture<Boolean>> waiting : List.of(handovers, adoptions)) {
      waiting.forEach(
          (key, f) -> {
            if (!m.containsKey(key.substring(0, key.indexOf('\0')))) {
              f.complete(true);
            }
          });
    }
    // What waited for a node that left: that node and its clean sessions are gone with it; its
    // persistent sessions live on (adopted by a survivor), so the publisher must send it again.
    int refused = 0;
    for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Pending p = it.next().getValue();
      boolean resend = false;
      synchronized (p) {
        for (String n : p.waiting) {
          resend |= !m.containsKey(n) && holdsSessions.test(n);
        }
        p.waiting.retainAll(m.keySet());
      }
      if (resend && p.done.complete(false)) {
        refused++;
      }
      p.check();
      if (p.done.isDone()) {
        it.remove();
      }
    }
    if (refused > 0) {
      LOG.info(
          "Cluster: {} forwarded QoS 1/2 message(s) refused to their publishers, who send them"
              + " again: a node that held persistent sessions left before confirming them",
          refused);
    }
  }

  private void expire() {
    long now = System.nanoTime();
    int refused = 0;
    Set<String> silent = new TreeSet<>();
    for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Pending p = it.next().getValue();
      if (now - p.sentAt > TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MS)) {
        if (p.done.complete(false)) {
          refused++;
          synchronized (p) {
            silent.addAll(p.waiting);
          }
        }
        it.remove();
      }
    }
    if (refused > 0) {
      LOG.warn(
          "Cluster: {} forwarded QoS 1/2 message(s) not confirmed within {} ms by {}: refused to"
              + " their publishers, who send them again",
          refused,
          ACK_TIMEOUT_MS,
          silent);
    }
  }

  static String name(Address a) {
    String n = NameCache.get(a);
    return n != null ? n : String.valueOf(a);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (Pending p : pending.values()) {
      p.done.complete(false);
    }
    fork.close();
  }

  private static final class Pending {
    final long sentAt;
    final Set<String> waiting = new HashSet<>();
    final CompletableFuture<Boolean> done = new CompletableFuture<>();

    Pending(long sentAt) {
      this.sentAt = sentAt;
    }

    void check() {
      boolean empty;
      synchronized (this) {
        empty = waiting.isEmpty();
      }
      if (empty) {
        done.complete(true);
      }
    }
  }
}
