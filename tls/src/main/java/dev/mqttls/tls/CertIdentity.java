package dev.mqttls.tls;

import java.util.Locale;

/**
 * Which part of a client certificate is the device identity ({@code cert_identity ...}). The
 * default is {@link #CN}, as Mosquitto's {@code use_identity_as_username}.
 */
public enum CertIdentity {
  /** The subject's common name. */
  CN("cn"),
  /** The whole subject distinguished name in RFC 2253 form. */
  DN("dn"),
  /** The first DNS name in the subject alternative names. */
  SAN_DNS("san-dns"),
  /** The first URI in the subject alternative names (e.g. a SPIFFE id). */
  SAN_URI("san-uri"),
  /** The first e-mail address in the subject alternative names. */
  SAN_EMAIL("san-email"),
  /** The serial number, upper-case hexadecimal without separators. */
  SERIAL("serial"),
  /** The SHA-256 fingerprint of the certificate's DER encoding, lower-case hexadecimal. */
  SHA256("sha256");

  private final String directiveName;

  CertIdentity(String directiveName) {
    this.directiveName = directiveName;
  }

  /** The directive spelling, e.g. {@code san-uri}. */
  public String directiveName() {
    return directiveName;
  }

  /** Parses the directive spelling. */
  public static CertIdentity parse(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    for (CertIdentity c : values()) {
      if (c.directiveName.equals(v)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown certificate identity '"
            + value
            + "', expected cn, dn, san-dns, san-uri, san-email, serial or sha256");
  }
}
