package dev.mqttls.pki;

import java.util.Locale;

/** Why a certificate was revoked: the RFC 5280 CRLReason codes that apply to end entities. */
public enum RevocationReason {
  /** No reason given (code 0). */
  UNSPECIFIED(0),
  /** The device's private key was or may have been disclosed (code 1). */
  KEY_COMPROMISE(1),
  /** The device's affiliation changed (code 3). */
  AFFILIATION_CHANGED(3),
  /** The certificate was replaced by a new one (code 4). */
  SUPERSEDED(4),
  /** The device was retired (code 5). */
  CESSATION_OF_OPERATION(5),
  /** Temporarily on hold (code 6). */
  CERTIFICATE_HOLD(6);

  private final int code;

  RevocationReason(int code) {
    this.code = code;
  }

  /** The RFC 5280 CRLReason code. */
  public int code() {
    return code;
  }

  /** The command-line and index spelling, e.g. {@code key-compromise}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code key-compromise}, {@code keyCompromise} or {@code KEY_COMPROMISE}. */
  public static RevocationReason parse(String text) {
    String wanted = text.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    for (RevocationReason r : values()) {
      if (r.name().replace("_", "").toLowerCase(Locale.ROOT).equals(wanted)) {
        return r;
      }
    }
    StringBuilder known = new StringBuilder();
    for (RevocationReason r : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(r.label());
    }
    throw new PkiException(
        PkiException.Reason.INVALID_ARGUMENT,
        "unknown revocation reason '" + text + "': use one of " + known);
  }
}
