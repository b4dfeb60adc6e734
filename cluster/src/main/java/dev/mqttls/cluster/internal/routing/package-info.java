/**
 * Routing across nodes: which node has which filters (an Infinispan replicated cache), the router
 * that forwards a PUBLISH once to each node with a match, and the journal that holds its
 * publisher's acknowledgement until those nodes have it.
 */
package dev.mqttls.cluster.internal.routing;
