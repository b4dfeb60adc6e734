package dev.mqttls.pki;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Options of {@link CertificateAuthority#export}. Passwords are not part of this record (records
 * print themselves); they are passed separately.
 *
 * @param format the output form
 * @param symbol the C symbol or macro name of the CA certificate, or empty for the format's default
 *     ({@code mqttls_ca_cert} for c-header, {@code CA_CERTIFICATE} for zephyr)
 * @param withKey whether to include the device certificate and private key (c-header, zephyr,
 *     nrf-at, pem)
 * @param secTag the nRF91 security tag; required for nrf-at
 */
public record ExportOptions(
    ExportFormat format, Optional<String> symbol, boolean withKey, OptionalInt secTag) {

  /** Validates the options. */
  public ExportOptions {
    java.util.Objects.requireNonNull(format, "format");
    symbol = symbol == null ? Optional.empty() : symbol;
    secTag = secTag == null ? OptionalInt.empty() : secTag;
    symbol.ifPresent(
        s -> {
          if (!s.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new PkiException(
                PkiException.Reason.INVALID_ARGUMENT,
                "'" + s + "' is not a C identifier: use letters, digits and _");
          }
        });
    if (secTag.isPresent() && secTag.getAsInt() < 0) {
      throw new PkiException(
          PkiException.Reason.INVALID_ARGUMENT,
          "sec_tag " + secTag.getAsInt() + " is negative: use 0 to 2147483647");
    }
  }

  /** Just the format, defaults for everything else. */
  public static ExportOptions of(ExportFormat format) {
    return new ExportOptions(format, Optional.empty(), false, OptionalInt.empty());
  }

  /** A copy with this symbol name. */
  public ExportOptions withSymbol(String name) {
    return new ExportOptions(format, Optional.of(name), withKey, secTag);
  }

  /** A copy that includes (or not) the device certificate and key. */
  public ExportOptions withKey(boolean include) {
    return new ExportOptions(format, symbol, include, secTag);
  }

  /** A copy with this nRF91 security tag. */
  public ExportOptions withSecTag(int tag) {
    return new ExportOptions(format, symbol, withKey, OptionalInt.of(tag));
  }
}
