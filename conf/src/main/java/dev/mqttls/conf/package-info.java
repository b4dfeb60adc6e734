/**
 * The one reader of {@code mosquitto.conf} syntax, shared by the broker, the TLS settings and the
 * doctor's linter, so that what the linter checks is what the broker reads.
 *
 * <ul>
 *   <li>{@link dev.mqttls.conf.ConfReader} splits a file into {@link dev.mqttls.conf.Directive}s as
 *       mosquitto 2 does (name, then the rest of the line; {@code #} comments; no quoting or line
 *       continuation) and follows {@code include_dir} in mosquitto's order.
 *   <li>{@link dev.mqttls.conf.Directive} keeps its file and line and parses its value: bool,
 *       integer in a range, byte size, period ({@code 2d}), timeout ({@code 500ms}), path.
 *   <li>{@link dev.mqttls.conf.ConfException} is the one error: {@code FILE:LINE: directive: what
 *       is wrong}.
 *   <li>{@link dev.mqttls.conf.Catalogue} lists every directive mqttls knows: section, value form,
 *       whether the broker supports it, and mosquitto's meaning. A name not in it is unknown to the
 *       broker and to the linter alike.
 * </ul>
 *
 * <p>One deliberate difference from mosquitto: a relative path resolves against the directory of
 * the file it is written in, not the working directory, so a configuration works wherever the
 * broker is started.
 */
package dev.mqttls.conf;
