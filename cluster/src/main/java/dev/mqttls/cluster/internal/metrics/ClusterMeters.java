package dev.mqttls.cluster.internal.metrics;

import dev.mqttls.cluster.internal.Membership;
import dev.mqttls.cluster.internal.routing.SharedFrame;
import dev.mqttls.cluster.internal.wire.Frame;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The cluster's meters, registered in the broker's registry: gauges read {@link Membership}, the
 * session registry and the forwarder when scraped; counters of forwarded frames and bytes are kept
 * per other node (a node first seen gets its meters then).
 */
public final class ClusterMeters implements ForwardMeter {
  private final MeterRegistry registry;
  private final Map<String, Peer> peers = new ConcurrentHashMap<>();
  private final LongAdder tookOver = new LongAdder();
  private final LongAdder takenOver = new LongAdder();

  /**
   * Registers the meters.
   *
   * @param sessions sessions held on this node
   * @param backlog forwarded QoS 1/2 messages not yet confirmed by every node they went to
   */
  public ClusterMeters(
      MeterRegistry registry, Membership membership, IntSupplier sessions, IntSupplier backlog) {
    this.registry = registry;
    gauge(
        "mqttls.cluster.members",
        "Nodes this node sees, itself included",
        membership,
        m -> m.members().size());
    gauge(
        "mqttls.cluster.nodes.configured",
        "Nodes in cluster_peers (this one included)",
        membership,
        Membership::configured);
    gauge(
        "mqttls.cluster.partition.majority",
        "1 when this node sees a majority of the configured nodes (accepts CONNECTs), 0 when not",
        membership,
        m -> m.minority() ? 0 : 1);
    gauge("mqttls.cluster.sessions", "Sessions held on this node", sessions, IntSupplier::getAsInt);
    gauge(
        "mqttls.cluster.replication.backlog",
        "Forwarded QoS 1/2 messages not yet confirmed by every node they went to",
        backlog,
        IntSupplier::getAsInt);
    FunctionCounter.builder("mqttls.cluster.nodes.joined", membership, Membership::joined)
        .description("Nodes that joined this node's view after it started (merges included)")
        .register(registry);
    FunctionCounter.builder("mqttls.cluster.nodes.left", membership, Membership::left)
        .description("Nodes that left this node's view or were suspected and removed")
        .register(registry);
    FunctionCounter.builder("mqttls.cluster.takeovers", tookOver, LongAdder::doubleValue)
        .description(
            "Client ids taken over between nodes: side new_owner by a CONNECT here, side"
                + " old_owner from this node by a CONNECT on another")
        .tag("side", "new_owner")
        .register(registry);
    FunctionCounter.builder("mqttls.cluster.takeovers", takenOver, LongAdder::doubleValue)
        .description(
            "Client ids taken over between nodes: side new_owner by a CONNECT here, side"
                + " old_owner from this node by a CONNECT on another")
        .tag("side", "old_owner")
        .register(registry);
  }

  private <T> void gauge(
      String name, String help, T source, java.util.function.ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).description(help).strongReference(true).register(registry);
  }

  @Override
  public void sent(String node, byte[] b, int off, int len) {
    switch (Frame.kind(b, off)) {
      case Frame.PUBLISH, SharedFrame.SHARED -> {
        Peer p = peer(node);
        p.framesSent.increment();
        p.bytesSent.add(len);
      }
      case Frame.TAKEOVER -> tookOver.increment();
      default -> {
        // acknowledgements and handovers: not forwarded messages
      }
    }
  }

  @Override
  public void received(String node, byte[] b, int off, int len) {
    switch (Frame.kind(b, off)) {
      case Frame.PUBLISH, SharedFrame.SHARED -> {
        Peer p = peer(node);
        p.framesReceived.increment();
        p.bytesReceived.add(len);
      }
      case Frame.TAKEOVER -> takenOver.increment();
      default -> {
        // acknowledgements and handovers: not forwarded messages
      }
    }
  }

  private Peer peer(String node) {
    Peer p = peers.get(node);
    return p != null ? p : peers.computeIfAbsent(node, this::register);
  }

  private Peer register(String node) {
    Peer p = new Peer();
    counter(
        "mqttls.cluster.forwarded.frames.sent",
        "PUBLISH frames sent to the node",
        node,
        p.framesSent,
        null);
    counter(
        "mqttls.cluster.forwarded.frames.received",
        "PUBLISH frames received from the node",
        node,
        p.framesReceived,
        null);
    counter(
        "mqttls.cluster.forwarded.sent",
        "Bytes of PUBLISH frames sent to the node",
        node,
        p.bytesSent,
        "bytes");
    counter(
        "mqttls.cluster.forwarded.received",
        "Bytes of PUBLISH frames received from the node",
        node,
        p.bytesReceived,
        "bytes");
    return p;
  }

  private void counter(String name, String help, String node, LongAdder a, String unit) {
    FunctionCounter.Builder<LongAdder> b =
        FunctionCounter.builder(name, a, LongAdder::doubleValue)
            .description(help)
            .tag("peer", node);
    (unit == null ? b : b.baseUnit(unit)).register(registry);
  }

  /** The counters of one other node. */
  private static final class Peer {
    final LongAdder framesSent = new LongAdder();
    final LongAdder framesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
  }
}
