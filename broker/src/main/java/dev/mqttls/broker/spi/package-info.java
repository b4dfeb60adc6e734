/**
 * How a module above the broker (the cluster) puts its own parts into a broker it starts: {@link
 * dev.mqttls.broker.spi.BrokerExtension}. For mqttls's own modules: the parts it hands over are the
 * broker's internal types, which change with the broker.
 */
package dev.mqttls.broker.spi;
