/**
 * Wills across nodes: each connection's will in a replicated cache while it may still be published,
 * and the survivors publishing the wills of a node that died, after their Will Delay.
 */
package dev.mqttls.cluster.internal.will;
