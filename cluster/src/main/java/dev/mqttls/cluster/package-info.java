/**
 * A cluster of mqttls brokers on Infinispan embedded (on JGroups): {@link
 * dev.mqttls.cluster.ClusterNode} starts a broker that joins the nodes named by {@link
 * dev.mqttls.cluster.ClusterConfig} over mutual TLS, shares its subscriptions' filters and retained
 * messages with them, forwards each PUBLISH once to every node with a match, and owns each client
 * id cluster-wide.
 *
 * <p>Logging: {@code dev.mqttls.cluster}, one line per membership event (join, leave, merge,
 * partition) and per refused node connection.
 */
package dev.mqttls.cluster;
