/**
 * The mqttls MQTT client: MQTT 3.1.1 and 5.0 over TCP or TLS, configured from PEM files (any key
 * form, encrypted too), PKCS#12 or a {@link dev.mqttls.client.CredentialStore} tag, without key
 * stores.
 *
 * <pre>{@code
 * MqttClientConfig config =
 *     MqttClientConfig.builder("broker.example")
 *         .tls(TlsConfig.builder()
 *             .caFile(Path.of("ca.pem"))
 *             .certFile(Path.of("device.pem"))
 *             .keyFile(Path.of("device.key"))
 *             .build())
 *         .clientId("device-7")
 *         .cleanStart(false)
 *         .sessionExpirySeconds(3600)
 *         .reconnect(ReconnectPolicy.DEFAULT)
 *         .offlineBuffer(new OfflineBuffer(1000, OfflineBuffer.Overflow.DROP_OLDEST))
 *         .build();
 * try (MqttClient client = MqttClient.create(config)) {
 *   client.blocking().connect();
 *   client.blocking().subscribe("cmd/device-7/#", Qos.AT_LEAST_ONCE, m -> handle(m));
 *   client.publish(Message.builder("telemetry/device-7").payload("{\"t\":21.5}")
 *       .qos(Qos.AT_LEAST_ONCE).build());
 * }
 * }</pre>
 *
 * <p>The broker's certificate is verified by default, its host name included (DNS and IP subject
 * alternative names). Failures are {@link dev.mqttls.client.MqttClientException}s whose {@link
 * dev.mqttls.client.FailureKind} says what class of problem it is and whose message names the
 * cause: an untrusted or self-signed certificate, a certificate naming another host, a refused
 * CONNECT with its reason code and what it means.
 *
 * <p>Users configure the client and call it; they do not implement these interfaces.
 */
package dev.mqttls.client;
