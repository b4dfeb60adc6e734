package dev.mqttls.pki;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the CA's index: a certificate this CA issued, where its files are, and whether it is
 * revoked.
 *
 * @param id the certificate's id (device id or server name); also its file name
 * @param kind server or device
 * @param serial the serial number
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param revokedAt when it was revoked, or empty
 * @param revocationReason why it was revoked, or empty
 * @param certificateFile {@code certs/ID.crt} (leaf first, then any intermediate)
 * @param keyFile {@code private/ID.key}, or empty when the key was made on the device (CSR)
 */
public record IssuedCertificate(
    String id,
    CertificateKind kind,
    BigInteger serial,
    Instant notBefore,
    Instant notAfter,
    Optional<Instant> revokedAt,
    Optional<RevocationReason> revocationReason,
    Path certificateFile,
    Optional<Path> keyFile) {

  /** Checks the fields are present. */
  public IssuedCertificate {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(serial, "serial");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(revokedAt, "revokedAt");
    Objects.requireNonNull(revocationReason, "revocationReason");
    Objects.requireNonNull(certificateFile, "certificateFile");
    Objects.requireNonNull(keyFile, "keyFile");
  }

  /** Whether the certificate has been revoked. */
  public boolean revoked() {
    return revokedAt.isPresent();
  }

  /**
   * The serial in lower-case hexadecimal; {@code openssl x509 -serial} prints the same digits in
   * upper case.
   */
  public String serialHex() {
    return serial.toString(16);
  }

  /** Whole days from {@code now} until {@link #notAfter}; negative once expired. */
  public long daysLeft(Instant now) {
    return Math.floorDiv(Duration.between(now, notAfter).toHours(), 24);
  }

  /** A copy marked revoked at the given time for the given reason. */
  public IssuedCertificate revoke(Instant when, RevocationReason reason) {
    return new IssuedCertificate(
        id,
        kind,
        serial,
        notBefore,
        notAfter,
        Optional.of(when),
        Optional.of(reason),
        certificateFile,
        keyFile);
  }

  /** A copy whose files are elsewhere (a superseded certificate, a key shared with a successor). */
  public IssuedCertificate withFiles(Path newCertificateFile, Optional<Path> newKeyFile) {
    return new IssuedCertificate(
        id,
        kind,
        serial,
        notBefore,
        notAfter,
        revokedAt,
        revocationReason,
        newCertificateFile,
        newKeyFile);
  }
}
