package dev.mqttls.pki;

import dev.mqttls.pki.internal.Names;
import java.util.Objects;

/**
 * How {@link CertificateAuthority#init} creates a CA.
 *
 * @param name the CA's common name
 * @param keyType the CA key type; issued certificates default to the same type
 * @param days validity of the CA certificate(s) in days
 * @param intermediate whether to create a root (whose key may then be taken offline) and an issuing
 *     intermediate CA that signs everything else
 */
public record CaOptions(String name, KeyType keyType, int days, boolean intermediate) {
  /** The default CA name. */
  public static final String DEFAULT_NAME = "mqttls CA";

  /** The default CA validity: ten years. */
  public static final int DEFAULT_DAYS = 3650;

  /** Validates the options. */
  public CaOptions {
    Objects.requireNonNull(keyType, "keyType");
    name = Names.checkCommonName(name == null ? DEFAULT_NAME : name, "CA name");
    Names.checkDays(days);
  }

  /** ECDSA P-256, ten years, no intermediate, named {@value #DEFAULT_NAME}. */
  public static CaOptions defaults() {
    return new CaOptions(DEFAULT_NAME, KeyType.EC_P256, DEFAULT_DAYS, false);
  }

  /** A copy with another name. */
  public CaOptions withName(String newName) {
    return new CaOptions(newName, keyType, days, intermediate);
  }

  /** A copy with another key type. */
  public CaOptions withKeyType(KeyType newKeyType) {
    return new CaOptions(name, newKeyType, days, intermediate);
  }

  /** A copy with another validity. */
  public CaOptions withDays(int newDays) {
    return new CaOptions(name, keyType, newDays, intermediate);
  }

  /** A copy with or without an intermediate CA. */
  public CaOptions withIntermediate(boolean newIntermediate) {
    return new CaOptions(name, keyType, days, newIntermediate);
  }
}
