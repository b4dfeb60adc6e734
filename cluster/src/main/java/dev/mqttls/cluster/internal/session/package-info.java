/** Client ids owned cluster-wide: who holds which, takeover across nodes, refusal in a minority. */
package dev.mqttls.cluster.internal.session;
