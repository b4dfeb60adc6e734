package dev.mqttls.pki;

/**
 * The key pair types the CA creates. ECDSA P-256 is the default everywhere: small chains that every
 * TLS stack a device ships with (mbedTLS, nRF91 modems, ESP-IDF) verifies quickly.
 */
public enum KeyType {
  /** ECDSA on NIST P-256 (secp256r1), signed with SHA-256. */
  EC_P256("EC", 256),
  /** RSA with a 2048-bit modulus, signed with SHA-256. */
  RSA_2048("RSA", 2048),
  /** RSA with a 3072-bit modulus, signed with SHA-256. */
  RSA_3072("RSA", 3072),
  /** RSA with a 4096-bit modulus, signed with SHA-256. */
  RSA_4096("RSA", 4096);

  private final String algorithm;
  private final int bits;

  KeyType(String algorithm, int bits) {
    this.algorithm = algorithm;
    this.bits = bits;
  }

  /** The RSA key type with this modulus size; throws naming the accepted sizes otherwise. */
  public static KeyType rsa(int bits) {
    switch (bits) {
      case 2048:
        return RSA_2048;
      case 3072:
        return RSA_3072;
      case 4096:
        return RSA_4096;
      default:
        throw new PkiException(
            PkiException.Reason.INVALID_ARGUMENT,
            "RSA key size " + bits + " is not supported: use 2048, 3072 or 4096");
    }
  }

  /** The JCA algorithm name: {@code EC} or {@code RSA}. */
  public String algorithm() {
    return algorithm;
  }

  /** The key size in bits (the curve size for EC). */
  public int bits() {
    return bits;
  }

  /** Whether this is an RSA key type. */
  public boolean isRsa() {
    return algorithm.equals("RSA");
  }

  /** A short human form such as {@code ECDSA P-256} or {@code RSA 2048}. */
  public String display() {
    return isRsa() ? "RSA " + bits : "ECDSA P-256";
  }
}
