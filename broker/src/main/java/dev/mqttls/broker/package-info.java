/**
 * The mqttls MQTT broker (MQTT 3.1, 3.1.1 and 5.0, plain TCP and TLS listeners).
 *
 * <p>Embedding: read a {@link dev.mqttls.broker.BrokerConfig} from a {@code mosquitto.conf}-syntax
 * file ({@link dev.mqttls.broker.BrokerConfig#parse(java.nio.file.Path)}) or build one, then {@link
 * dev.mqttls.broker.Broker#start(BrokerConfig)}; {@link dev.mqttls.broker.Broker#close()} stops it.
 * Configuration errors are {@link dev.mqttls.broker.ConfigException}s whose message is {@code
 * FILE:LINE: directive: what is wrong}; start-up failures (a port in use, TLS material that does
 * not load) are {@link dev.mqttls.broker.BrokerStartException}s naming the listener.
 *
 * <p>Logging goes through SLF4J: {@code dev.mqttls.broker} (connections, refusals, protocol
 * violations: one line each, in the style of {@code mosquitto -v}), {@code
 * dev.mqttls.broker.subscribe} and {@code dev.mqttls.broker.unsubscribe}. Payloads and passwords
 * are never logged.
 */
package dev.mqttls.broker;
