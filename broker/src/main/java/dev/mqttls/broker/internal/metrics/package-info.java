/**
 * The broker's metrics seam: counters the per-message path bumps (a {@code LongAdder} add, no
 * lookup), gauges read lazily, the TLS handshake meters, the connected-client table, certificate
 * expiry and the {@code $SYS} tree. The meters live in a Micrometer composite registry that records
 * nowhere until a registry (admin's Prometheus one) is added, so the broker runs without admin.
 */
package dev.mqttls.broker.internal.metrics;
