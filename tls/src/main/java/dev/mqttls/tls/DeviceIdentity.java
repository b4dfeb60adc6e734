package dev.mqttls.tls;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;

/**
 * Proof that a client authenticated with a certificate that this listener verified: only the
 * listener's certificate verifier creates instances. The {@link #value() value} is the part of the
 * certificate chosen by {@code cert_identity} (the CN by default); the broker uses it as user name
 * ({@code use_identity_as_username}), requires it as client id ({@code use_identity_as_clientid})
 * and shows it in every connect log line.
 */
public final class DeviceIdentity {
  private final CertIdentity kind;
  private final String value;
  private final String subjectDn;
  private final String commonName;
  private final BigInteger serial;
  private final String sha256;
  private final X509Certificate certificate;

  DeviceIdentity(
      CertIdentity kind,
      String value,
      String subjectDn,
      String commonName,
      BigInteger serial,
      String sha256,
      X509Certificate certificate) {
    this.kind = Objects.requireNonNull(kind);
    this.value = Objects.requireNonNull(value);
    this.subjectDn = Objects.requireNonNull(subjectDn);
    this.commonName = commonName;
    this.serial = Objects.requireNonNull(serial);
    this.sha256 = Objects.requireNonNull(sha256);
    this.certificate = Objects.requireNonNull(certificate);
  }

  /** Which certificate field {@link #value()} comes from. */
  public CertIdentity kind() {
    return kind;
  }

  /** The identity per {@code cert_identity}: the user name and, when required, the client id. */
  public String value() {
    return value;
  }

  /** The subject DN in RFC 2253 form, the user name under {@code use_subject_as_username}. */
  public String subjectDn() {
    return subjectDn;
  }

  /** The subject's common name, when it has one. */
  public Optional<String> commonName() {
    return Optional.ofNullable(commonName);
  }

  /** The serial number as upper-case hexadecimal. */
  public String serialHex() {
    return serial.toString(16).toUpperCase(java.util.Locale.ROOT);
  }

  /** The SHA-256 fingerprint of the certificate, lower-case hexadecimal. */
  public String sha256Fingerprint() {
    return sha256;
  }

  /** The verified leaf certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceIdentity
        && ((DeviceIdentity) o).sha256.equals(sha256)
        && ((DeviceIdentity) o).kind == kind;
  }

  @Override
  public int hashCode() {
    return sha256.hashCode();
  }

  /** E.g. {@code cn=dev-7}, or {@code san-uri=spiffe://fleet/dev-7 (CN=dev-7)}. */
  @Override
  public String toString() {
    if (kind == CertIdentity.CN) {
      return "cn=" + value;
    }
    return kind.directiveName() + "=" + value + " (" + subjectDn + ")";
  }
}
