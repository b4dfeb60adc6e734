package dev.mqttls.client;

/** What {@link CredentialStore#provision} did with the flash (or disk) it was asked to write. */
public enum ProvisionResult {
  /** Nothing was stored under that tag and type; the credential was written. */
  CREATED,
  /** A different credential was stored; it was replaced atomically. */
  REPLACED,
  /** The same credential was already stored; nothing was written. */
  UNCHANGED
}
