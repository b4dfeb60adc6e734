/**
 * Test fixtures for every module's tests (test scope only), all on 127.0.0.1 with real sockets:
 *
 * <ul>
 *   <li>{@link dev.mqttls.testing.EmbeddedBroker}: our broker in the test's JVM from {@code
 *       mosquitto.conf} text, on port 0, with its log captured; a JUnit 5 extension or an
 *       AutoCloseable.
 *   <li>{@link dev.mqttls.testing.ScriptedClient}: a raw-socket peer that sends canned or broken
 *       bytes ({@link dev.mqttls.testing.MqttBytes}, {@link dev.mqttls.testing.Hex}) and records
 *       what comes back as {@link dev.mqttls.testing.RawPacket}s and whether the server closed.
 *   <li>{@link dev.mqttls.testing.MosquittoProcess} and {@link
 *       dev.mqttls.testing.MosquittoClients}: Debian's Mosquitto broker and its {@code
 *       mosquitto_pub}/{@code mosquitto_sub}, bounded by timeouts and stopped by PID.
 *   <li>{@link dev.mqttls.testing.Chromium}: Debian's headless Chromium through chromedriver, for
 *       the pages the broker serves: open, wait for text, run a script, take a screenshot.
 *   <li>{@link dev.mqttls.testing.LogCapture}: assert that a named cause was logged.
 * </ul>
 */
package dev.mqttls.testing;
