package dev.mqttls.pki;

import java.util.Locale;

/** The forms {@link CertificateAuthority#export} writes certificates (and keys) in. */
public enum ExportFormat {
  /** PEM text: the certificate chain, and with {@code withKey} the private key. */
  PEM(false),
  /** The certificate alone, DER encoded (binary). */
  DER(false),
  /**
   * PKCS#12 keystore: key and chain for an id, or a trust store holding the CA. Needs a password.
   */
  P12(false),
  /**
   * Java KeyStore (JKS): key and chain for an id, or a trust store holding the CA. Needs a
   * password.
   */
  JKS(false),
  /**
   * A C header in mbedTLS style: {@code const char SYMBOL[] = "-----BEGIN ...\r\n" ...;} and {@code
   * const size_t SYMBOL_len = sizeof(SYMBOL);} (the length counts the terminating NUL, as {@code
   * mbedtls_x509_crt_parse} requires for PEM). Holds the CA; with {@code withKey} for a device also
   * its certificate and key.
   */
  C_HEADER(true),
  /**
   * A header of {@code #define CA_CERTIFICATE "..."} macros whose value is exactly the PEM text,
   * for Zephyr / nRF Connect SDK's {@code modem_key_mgmt_write} and {@code tls_credential_add}.
   */
  ZEPHYR(true),
  /**
   * The {@code AT%CMNG=0,<sec_tag>,<type>,"<pem>"} commands that provision an nRF91 modem (type 0
   * CA, 1 device certificate, 2 device key).
   */
  NRF_AT(true);

  private final boolean text;

  ExportFormat(boolean text) {
    this.text = text;
  }

  /** Whether the output is source text for firmware (as opposed to a certificate container). */
  public boolean firmwareText() {
    return text;
  }

  /** The command-line spelling: {@code pem}, {@code c-header}, {@code nrf-at}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses the command-line spelling. */
  public static ExportFormat parse(String text) {
    for (ExportFormat f : values()) {
      if (f.label().equalsIgnoreCase(text) || f.name().equalsIgnoreCase(text)) {
        return f;
      }
    }
    throw new PkiException(
        PkiException.Reason.INVALID_ARGUMENT,
        "unknown export format '" + text + "': use pem, der, p12, jks, c-header, zephyr or nrf-at");
  }
}
