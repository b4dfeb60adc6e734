/**
 * Start-up and shutdown: {@link dev.mqttls.broker.internal.bootstrap.BrokerRuntime} makes the event
 * loops, assembles the {@link dev.mqttls.broker.internal.BrokerContext} (restoring what the journal
 * holds), binds each listener and reloads files on SIGHUP; {@link
 * dev.mqttls.broker.internal.bootstrap.ConnectionInitializer} builds each accepted connection's
 * pipeline: [TLS] → sniffer → decoder → encoder → flush consolidation → [packet log] → protocol.
 */
package dev.mqttls.broker.internal.bootstrap;
