/**
 * Time for the broker: {@link dev.mqttls.broker.internal.time.Ticker}, the one clock and timer
 * source that keep-alive, will delay, message expiry and session expiry read, so that tests run
 * them with a manual ticker instead of sleeping.
 */
package dev.mqttls.broker.internal.time;
