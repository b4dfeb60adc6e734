package dev.mqttls.cli.broker;

import dev.mqttls.broker.Broker;
import dev.mqttls.broker.BrokerConfig;
import dev.mqttls.cluster.ClusterConfig;
import dev.mqttls.cluster.ClusterNode;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfReader;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Starts the broker of a configuration file as a cluster node when the file has {@code
 * cluster_name}, and as a single broker otherwise. The cluster's classes (and Infinispan) are
 * loaded only in the first case.
 */
final class ClusterLauncher {
  private ClusterLauncher() {}

  static Broker start(BrokerConfig config, Path file) throws ConfException {
    int port = config.listeners().isEmpty() ? 0 : config.listeners().get(0).port();
    Optional<ClusterConfig> cluster = ClusterConfig.parse(ConfReader.read(file), port);
    if (cluster.isEmpty()) {
      return Broker.start(config);
    }
    return Node.start(config, cluster.get());
  }

  /** Apart, so that a single broker never resolves the cluster's classes. */
  private static final class Node {
    static Broker start(BrokerConfig config, ClusterConfig cluster) {
      return ClusterNode.start(config, cluster).broker();
    }
  }
}
