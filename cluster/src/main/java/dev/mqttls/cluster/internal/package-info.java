/** The cluster's parts: the broker extension that puts them together, and membership. */
package dev.mqttls.cluster.internal;
