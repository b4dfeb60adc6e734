/** Node-to-node transport: the JGroups stack and its mutual TLS. */
package dev.mqttls.cluster.internal.transport;
