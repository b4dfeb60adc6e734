/** The running bridges: one link per {@code connection}, its local and remote clients. */
package dev.mqttls.bridge.internal;
