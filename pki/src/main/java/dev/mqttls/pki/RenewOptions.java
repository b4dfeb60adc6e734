package dev.mqttls.pki;

import dev.mqttls.pki.internal.Names;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How {@link CertificateAuthority#renew} makes the successor of a certificate.
 *
 * @param days validity in days, or empty for the same lifetime as the certificate it renews
 *     (clamped to the issuing CA's own validity)
 * @param rekey whether to make a new key pair (the old key is kept in {@code private/history/});
 *     otherwise the new certificate certifies the same public key
 * @param keyType the new key's type, or empty for the old key's type; only with {@code rekey}
 * @param revokeOld whether to revoke the old certificate (reason superseded) and publish the CRL;
 *     otherwise it stays valid until it expires, so a device can switch over at its own pace
 */
public record RenewOptions(
    OptionalInt days, boolean rekey, Optional<KeyType> keyType, boolean revokeOld) {

  /** Validates the options. */
  public RenewOptions {
    days = days == null ? OptionalInt.empty() : days;
    keyType = keyType == null ? Optional.empty() : keyType;
    days.ifPresent(Names::checkDays);
    if (keyType.isPresent() && !rekey) {
      throw new PkiException(
          PkiException.Reason.INVALID_ARGUMENT,
          "a key type applies to a new key only: add --rekey (or drop --rsa/--ec)");
    }
  }

  /** Same key, same lifetime, the old certificate left valid. */
  public static RenewOptions defaults() {
    return new RenewOptions(OptionalInt.empty(), false, Optional.empty(), false);
  }

  /** A copy with this validity. */
  public RenewOptions withDays(int newDays) {
    return new RenewOptions(OptionalInt.of(newDays), rekey, keyType, revokeOld);
  }

  /** A copy that makes a new key. */
  public RenewOptions withRekey() {
    return new RenewOptions(days, true, keyType, revokeOld);
  }

  /** A copy that revokes the old certificate. */
  public RenewOptions withRevokeOld() {
    return new RenewOptions(days, rekey, keyType, true);
  }
}
