/**
 * Client ids owned cluster-wide (who holds which, takeover across nodes, refusal in a minority) and
 * persistent sessions kept in a distributed cache, so that they move between nodes and outlive one.
 */
package dev.mqttls.cluster.internal.session;
