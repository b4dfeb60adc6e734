package dev.mqttls.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Provisioning#provision} and {@link Provisioning#renew} ask for.
 *
 * @param deviceId the device id: the certificate's CN, and the client id of the provisioning
 *     connection (the broker answers on a topic ending in it)
 * @param token a one-time token, for brokers that provision with tokens; never printed
 * @param keyType the key the device makes for itself
 * @param timeout how long to wait for the answer once the request is published
 */
public record ProvisioningRequest(
    String deviceId, Optional<String> token, DeviceKeyType keyType, Duration timeout) {
  /** The default time to wait for the answer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Checks the fields. */
  public ProvisioningRequest {
    Objects.requireNonNull(deviceId, "deviceId");
    if (!deviceId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException(
          "deviceId must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
    token = token == null ? Optional.empty() : token;
    Objects.requireNonNull(keyType, "keyType");
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /** A request for {@code deviceId} with an ECDSA P-256 key, no token, the default timeout. */
  public static ProvisioningRequest of(String deviceId) {
    return new ProvisioningRequest(
        deviceId, Optional.empty(), DeviceKeyType.EC_P256, DEFAULT_TIMEOUT);
  }

  /** A copy with a one-time token. */
  public ProvisioningRequest withToken(String oneTimeToken) {
    return new ProvisioningRequest(
        deviceId, Optional.of(Objects.requireNonNull(oneTimeToken, "token")), keyType, timeout);
  }

  /** A copy with another key type. */
  public ProvisioningRequest withKeyType(DeviceKeyType type) {
    return new ProvisioningRequest(deviceId, token, type, timeout);
  }

  /** A copy with another timeout. */
  public ProvisioningRequest withTimeout(Duration wait) {
    return new ProvisioningRequest(deviceId, token, keyType, wait);
  }

  @Override
  public String toString() {
    return "ProvisioningRequest[deviceId="
        + deviceId
        + (token.isPresent() ? ", token given" : "")
        + ", keyType="
        + keyType
        + ", timeout="
        + timeout
        + "]";
  }
}
