/** What nodes send each other besides Infinispan's own traffic: forwarded PUBLISHes and acks. */
package dev.mqttls.cluster.internal.wire;
