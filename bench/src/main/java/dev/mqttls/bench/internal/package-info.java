/**
 * The scenarios' engine: MQTT over Netty and our codec without the client library (see the {@code
 * dev.mqttls.bench} package documentation for why), sequence tracking, {@code /proc} readings.
 */
package dev.mqttls.bench.internal;
