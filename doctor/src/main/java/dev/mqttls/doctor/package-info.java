/**
 * The connection doctor: checks that say exactly why a secure MQTT connection fails, and what to
 * change.
 *
 * <p>{@link dev.mqttls.doctor.Probe} connects to a broker the way a device does and reports, step
 * by step, what it found; {@link dev.mqttls.doctor.ConfigLint} checks a broker configuration before
 * it is used. Both return a {@link dev.mqttls.doctor.Report} of {@link dev.mqttls.doctor.Finding}s,
 * each with a stable {@link dev.mqttls.doctor.FindingCode}, a {@link dev.mqttls.doctor.Status}, a
 * plain sentence and a remedy.
 *
 * <pre>{@code
 * Report r = Probe.run(ProbeOptions.builder("mqtts://broker.local:8883")
 *     .caFile(Path.of("ca.crt"))
 *     .certFile(Path.of("device.crt")).keyFile(Path.of("device.key"))
 *     .build());
 * if (!r.passed()) {
 *   r.failures().forEach(f -> log.warn("{}: {} {}", f.code(), f.message(), f.remedy()));
 * }
 * }</pre>
 *
 * <p>Over TLS the probe is secure by default like a device: it verifies the server against the CA
 * file (or the system trust store) and the name, and stops before sending MQTT credentials to a
 * server it cannot verify. Its extra connections (TLS version and SNI probes) judge the server from
 * its ServerHello and certificate and never finish a handshake with an unverified server.
 */
package dev.mqttls.doctor;
