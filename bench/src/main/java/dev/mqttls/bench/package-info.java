/**
 * {@code mqttls bench}: load scenarios against any MQTT broker on a URL (ours, Mosquitto, anything
 * else), with per-device certificates, broker CPU and memory from {@code /proc}, JSON and an HTML
 * report.
 *
 * <p>Entry point: {@link dev.mqttls.bench.Bench#run}, with a {@link dev.mqttls.bench.Target} (where
 * the broker is and how to reach it), a {@link dev.mqttls.bench.DevicePool} (which certificate each
 * connection presents) and {@link dev.mqttls.bench.BenchSettings} (the scenario and its knobs). The
 * result is a {@link dev.mqttls.bench.BenchResult}: named figures, plot series and the machine it
 * ran on; {@link dev.mqttls.bench.JsonReport} and {@link dev.mqttls.bench.HtmlReport} write it.
 *
 * <p><b>The hot path does not use our client library.</b> The scenarios speak MQTT through Netty
 * and our {@code codec} directly ({@code dev.mqttls.bench.internal}): the client library's
 * per-message futures, its serial executor, offline buffer and reconnect logic cost more per
 * message than a broker does, so measuring through it would measure the client. From the client
 * module only the TLS set-up ({@code ClientTls}: PEM material, CA trust, hostname checks) is
 * reused, so that the bench verifies a broker exactly as {@code mqttls pub} does.
 *
 * <p>Timing never comes from a clock read after a stall: the open-loop publishers stamp each
 * message with the time it was <em>intended</em> to be sent, so a broker that stalls is charged for
 * the whole backlog (no coordinated omission).
 */
package dev.mqttls.bench;
