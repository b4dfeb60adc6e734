package dev.mqttls.pki;

import dev.mqttls.pki.internal.Names;
import java.util.Optional;

/**
 * How {@link CertificateAuthority#issueDevice} and {@link CertificateAuthority#issueDevices} make
 * device (client) certificates.
 *
 * @param days validity in days (clamped to the issuing CA's own validity)
 * @param keyType the key type, or empty for the CA's own key type
 */
public record DeviceOptions(int days, Optional<KeyType> keyType) {
  /** The default device certificate validity: ten years, as devices are rarely re-provisioned. */
  public static final int DEFAULT_DAYS = 3650;

  /** Validates the options. */
  public DeviceOptions {
    Names.checkDays(days);
    keyType = keyType == null ? Optional.empty() : keyType;
  }

  /** Ten years, the CA's key type. */
  public static DeviceOptions defaults() {
    return new DeviceOptions(DEFAULT_DAYS, Optional.empty());
  }

  /** A copy with another validity. */
  public DeviceOptions withDays(int newDays) {
    return new DeviceOptions(newDays, keyType);
  }

  /** A copy with another key type. */
  public DeviceOptions withKeyType(KeyType type) {
    return new DeviceOptions(days, Optional.of(type));
  }
}
