/**
 * The cluster's meters in the broker's Micrometer registry ({@code mqttls_cluster_...} on the admin
 * listener's {@code /metrics}): membership, partition side, sessions, replication backlog, traffic
 * forwarded between nodes and takeovers.
 */
package dev.mqttls.cluster.internal.metrics;
