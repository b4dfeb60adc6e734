package dev.mqttls.cluster;

import java.util.Map;
import java.util.Set;

/**
 * What one node knows of its cluster at one moment.
 *
 * @param node this node's name
 * @param members the nodes it sees, itself included
 * @param majority how many nodes make a majority of the configured ones
 * @param minority whether it sees fewer (it then refuses connections)
 * @param filtersPerNode distinct subscription filters per node, as replicated
 * @param sessions sessions held on this node
 * @param backlog QoS 1/2 messages forwarded and not yet confirmed by every node they went to
 */
public record ClusterStatus(
    String node,
    Set<String> members,
    int majority,
    boolean minority,
    Map<String, Integer> filtersPerNode,
    int sessions,
    int backlog) {
  public ClusterStatus {
    members = Set.copyOf(members);
    filtersPerNode = Map.copyOf(filtersPerNode);
  }
}
