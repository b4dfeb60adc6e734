/** What machines probe: {@code /metrics}, {@code /healthz}, {@code /readyz}. */
package dev.mqttls.admin.internal.probe;
