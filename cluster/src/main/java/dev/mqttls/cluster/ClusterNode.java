package dev.mqttls.cluster;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.cluster.internal.ClusterExtension;

/**
 * A broker that is a node of a cluster. {@link #start} joins the cluster (over mutual TLS when the
 * configuration has {@code cluster_certfile}) before the broker's listeners accept anything; {@link
 * #close()} stops the broker and leaves the cluster.
 */
public final class ClusterNode implements AutoCloseable {
  private final Broker broker;
  private final ClusterExtension extension;

  private ClusterNode(Broker broker, ClusterExtension extension) {
    this.broker = broker;
    this.extension = extension;
  }

  /**
   * Starts {@code broker} as a node of {@code cluster}.
   *
   * @throws dev.mqttls.broker.BrokerStartException when the broker cannot start or the node cannot
   *     join (its TLS material does not load, its cluster port is taken); the message names what
   */
  public static ClusterNode start(BrokerConfig broker, ClusterConfig cluster) {
    ClusterExtension ext = new ClusterExtension(cluster);
    return new ClusterNode(Broker.start(broker, ext), ext);
  }

  /** The broker of this node. */
  public Broker broker() {
    return broker;
  }

  /** What this node knows of the cluster now. */
  public ClusterStatus status() {
    return extension.status();
  }

  /** Stops the broker and leaves the cluster. */
  @Override
  public void close() {
    broker.close();
  }
}
