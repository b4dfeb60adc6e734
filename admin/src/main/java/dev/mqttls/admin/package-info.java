/**
 * The broker's HTTP listener: {@link dev.mqttls.admin.AdminServer} serves Prometheus metrics,
 * health probes and the dashboard for a running {@link dev.mqttls.broker.Broker}, configured by
 * {@link dev.mqttls.admin.AdminConfig} from the broker's own file.
 */
package dev.mqttls.admin;
