/**
 * What must be durable before an acknowledgement: the {@link
 * dev.mqttls.broker.internal.persistence.Journal}, its no-op form for {@code persistence false},
 * and the RocksDB journal with its key and value layout.
 */
package dev.mqttls.broker.internal.persistence;
