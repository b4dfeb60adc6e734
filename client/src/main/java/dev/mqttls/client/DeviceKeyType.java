package dev.mqttls.client;

/** The key a device makes for itself when it provisions or renews over MQTT. */
public enum DeviceKeyType {
  /** ECDSA on P-256 (secp256r1): the default, small and fast on every device TLS stack. */
  EC_P256,
  /** RSA 2048, for stacks without ECDSA. */
  RSA_2048
}
