/** {@code mqttls cluster}: looking at a running cluster node. */
package dev.mqttls.cli.cluster;
