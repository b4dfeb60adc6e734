package dev.mqttls.broker;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * The end of one piece of a listener's TLS material: its server certificate (per SNI name), a CA it
 * trusts for client certificates, or the next update of its CRL.
 *
 * @param listener the listener's name, e.g. {@code listener 8883}
 * @param kind what it is
 * @param subject the certificate's subject DN, or the CRL's issuer DN
 * @param file the file it was read from
 * @param notAfter the certificate's end of validity, or the CRL's next update
 */
public record CertificateExpiry(
    String listener, Kind kind, String subject, Path file, Instant notAfter) {

  /** What a {@link CertificateExpiry} is about. */
  public enum Kind {
    /** The listener's certificate ({@code certfile}, or an {@code sni_cert}). */
    SERVER,
    /** A CA certificate of {@code cafile}/{@code capath}. */
    CA,
    /** A CRL of {@code crlfile}: {@code notAfter} is its next update. */
    CRL
  }

  /** Checks that no component is null. */
  public CertificateExpiry {
    Objects.requireNonNull(listener);
    Objects.requireNonNull(kind);
    Objects.requireNonNull(subject);
    Objects.requireNonNull(file);
    Objects.requireNonNull(notAfter);
  }
}
