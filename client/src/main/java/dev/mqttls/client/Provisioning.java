package dev.mqttls.client;

import dev.mqttls.client.internal.provision.ProvisioningExchange;

/**
 * Fleet provisioning and renewal over MQTT, the device side of docs/provisioning.md. Each call
 * makes a fresh key pair here (the key never leaves this process), sends a CSR, waits for the
 * broker's provisioning service to answer, and returns the certificate with the key. Store the
 * result with {@link DeviceCredentials#store} or {@link DeviceCredentials#writeFiles}.
 *
 * <pre>{@code
 * MqttClientConfig claim = MqttClientConfig.builder("broker.example").tls(TlsConfig.builder()
 *     .caFile(ca).certFile(claimCert).keyFile(claimKey).build()).build();
 * DeviceCredentials mine = Provisioning.provision(claim, ProvisioningRequest.of("sensor-7"));
 * mine.store(CredentialStore.open(dir), 42);
 * }</pre>
 *
 * <p>Both calls block until the answer arrives or the request's timeout passes; they connect with
 * the device id as the client id, clean start, no reconnect, and disconnect before returning.
 */
public final class Provisioning {
  private Provisioning() {}

  /**
   * Provisions a new device: connects with {@code claim} (a claim certificate, or a user name that
   * is a claim identity), asks for a certificate for {@code request.deviceId()}.
   *
   * @throws ProvisioningException when the service refuses (its {@link
   *     ProvisioningException#code()} says why)
   * @throws MqttClientException when connecting fails, the broker refuses the request's
   *     subscriptions or publish, or no answer comes in time ({@link FailureKind#TIMEOUT})
   */
  public static DeviceCredentials provision(MqttClientConfig claim, ProvisioningRequest request) {
    return ProvisioningExchange.run(claim, request, false);
  }

  /**
   * Renews a device's certificate before it expires: connects with {@code device} (its current
   * certificate, whose identity is {@code request.deviceId()}), sends a CSR for a new key, and
   * returns the new certificate and key. The old certificate stays valid until it expires.
   *
   * @throws ProvisioningException when the service refuses (e.g. {@code not-renewable})
   * @throws MqttClientException as {@link #provision}
   */
  public static DeviceCredentials renew(MqttClientConfig device, ProvisioningRequest request) {
    return ProvisioningExchange.run(device, request, true);
  }
}
