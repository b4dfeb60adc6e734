package dev.mqttls.pki.provision;

import dev.mqttls.pki.KeyType;
import dev.mqttls.pki.PkiException;
import dev.mqttls.pki.PkiException.Reason;
import dev.mqttls.pki.internal.Names;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which devices may get a certificate over MQTT, and what certificate (the {@code provision_*}
 * directives of docs/provisioning.md).
 *
 * @param idPattern a regular expression the whole id must match, or empty for any valid id
 * @param allowList a file of allowed ids (one per line, {@code #} comments), re-read when it
 *     changes; empty for no list
 * @param tokenFile a file of one-time tokens (one per line); when present every provisioning
 *     request must carry an unused one; the used ones are recorded beside it in {@code FILE.used}
 * @param keyTypes the key types a CSR may hold
 * @param days validity of the certificates issued
 */
public record ProvisioningPolicy(
    Optional<Pattern> idPattern,
    Optional<Path> allowList,
    Optional<Path> tokenFile,
    Set<KeyType> keyTypes,
    int days) {
  /** The default validity of a provisioned certificate: a year, renewed over MQTT. */
  public static final int DEFAULT_DAYS = 365;

  /** Checks and copies the fields. */
  public ProvisioningPolicy {
    Objects.requireNonNull(idPattern, "idPattern");
    Objects.requireNonNull(allowList, "allowList");
    Objects.requireNonNull(tokenFile, "tokenFile");
    if (keyTypes.isEmpty()) {
      throw new IllegalArgumentException("keyTypes must not be empty");
    }
    keyTypes = Set.copyOf(keyTypes);
    Names.checkDays(days);
  }

  /** Any valid id, no allow-list, no tokens, every key type, {@link #DEFAULT_DAYS}. */
  public static ProvisioningPolicy defaults() {
    return new ProvisioningPolicy(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        EnumSet.allOf(KeyType.class),
        DEFAULT_DAYS);
  }

  /** A copy with an id pattern. */
  public ProvisioningPolicy withIdPattern(Pattern pattern) {
    return new ProvisioningPolicy(Optional.of(pattern), allowList, tokenFile, keyTypes, days);
  }

  /** A copy with an allow-list file. */
  public ProvisioningPolicy withAllowList(Path file) {
    return new ProvisioningPolicy(idPattern, Optional.of(file), tokenFile, keyTypes, days);
  }

  /** A copy with a one-time token file. */
  public ProvisioningPolicy withTokenFile(Path file) {
    return new ProvisioningPolicy(idPattern, allowList, Optional.of(file), keyTypes, days);
  }

  /** A copy with other key types. */
  public ProvisioningPolicy withKeyTypes(Set<KeyType> types) {
    return new ProvisioningPolicy(idPattern, allowList, tokenFile, types, days);
  }

  /** A copy with another validity. */
  public ProvisioningPolicy withDays(int newDays) {
    return new ProvisioningPolicy(idPattern, allowList, tokenFile, keyTypes, newDays);
  }

  /**
   * The key type called {@code name} in the configuration: {@code ec-p256}, {@code rsa-2048},
   * {@code rsa-3072} or {@code rsa-4096}.
   *
   * @throws PkiException {@link Reason#INVALID_ARGUMENT} naming the accepted names
   */
  public static KeyType keyType(String name) {
    for (KeyType t : KeyType.values()) {
      if (keyTypeName(t).equals(name.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new PkiException(
        Reason.INVALID_ARGUMENT,
        "unknown key type '" + name + "': use ec-p256, rsa-2048, rsa-3072 or rsa-4096");
  }

  /** The configuration name of a key type, e.g. {@code ec-p256}. */
  public static String keyTypeName(KeyType type) {
    return type.isRsa() ? "rsa-" + type.bits() : "ec-p" + type.bits();
  }
}
