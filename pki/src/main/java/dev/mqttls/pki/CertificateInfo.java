package dev.mqttls.pki;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@link CertificateAuthority#inspect} finds in a certificate: short, readable facts.
 *
 * @param subject subject distinguished name (RFC 2253)
 * @param issuer issuer distinguished name (RFC 2253)
 * @param serial serial number
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param dnsNames DNS subject alternative names
 * @param ipAddresses IP address subject alternative names
 * @param extendedKeyUsages EKUs by name ({@code serverAuth}, {@code clientAuth}) or OID
 * @param keyAlgorithm {@code EC} or {@code RSA} (or the JCA name of another algorithm)
 * @param keyBits key size in bits
 * @param sha256Fingerprint SHA-256 of the DER, colon-separated upper-case hex as openssl prints it
 * @param ca whether basicConstraints says CA
 * @param verification whether it chains to this CA, or empty when inspected without a CA
 * @param revoked whether this CA's index marks it revoked, or empty when not in the index
 */
public record CertificateInfo(
    String subject,
    String issuer,
    BigInteger serial,
    Instant notBefore,
    Instant notAfter,
    List<String> dnsNames,
    List<String> ipAddresses,
    List<String> extendedKeyUsages,
    String keyAlgorithm,
    int keyBits,
    String sha256Fingerprint,
    boolean ca,
    Optional<Verification> verification,
    Optional<Boolean> revoked) {

  /** Copies the lists. */
  public CertificateInfo {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    extendedKeyUsages = List.copyOf(extendedKeyUsages);
  }

  /**
   * The outcome of checking a certificate against this CA.
   *
   * @param verified whether the signature chain reaches this CA's root and every certificate is
   *     within its validity
   * @param detail one line: why not, or which CA signed it
   */
  public record Verification(boolean verified, String detail) {}
}
