package dev.mqttls.pki.provision;

import java.util.Locale;

/**
 * Why a provisioning or renewal request was refused. Each has a short code that is sent to the
 * device at the start of the refusal (docs/provisioning.md), so firmware can branch on it.
 */
public enum RefusalReason {
  /** The payload is neither a CSR nor the JSON request form, or lacks a field. */
  BAD_REQUEST,
  /** The CSR does not parse or its self-signature does not verify. */
  BAD_CSR,
  /** The device id is not a valid id (1 to 64 letters, digits, '.', '_', '-'). */
  ID_INVALID,
  /** The device id does not match {@code provision_id_pattern}. */
  ID_PATTERN,
  /** The device id is not in {@code provision_allow_list}. */
  ID_NOT_ALLOWED,
  /** The device id already holds a certificate: renew it, or revoke it and choose another id. */
  ID_TAKEN,
  /** The CSR's key type is not in {@code provision_key_types}. */
  KEY_TYPE,
  /** {@code provision_token_file} is set and the request carries no token. */
  TOKEN_REQUIRED,
  /** The token is unknown or was used before. */
  TOKEN_INVALID,
  /** More requests than {@code provision_rate} allows: try again later. */
  RATE_LIMITED,
  /** Renewal: the id holds no current certificate (never issued, revoked or expired). */
  NOT_RENEWABLE,
  /** The CA could not sign (the broker's log has the cause): try again later. */
  CA_ERROR;

  /** The code sent to devices: the name in lower case with '-', e.g. {@code id-not-allowed}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
