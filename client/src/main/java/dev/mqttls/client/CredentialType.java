package dev.mqttls.client;

/**
 * The kinds of credential a {@link CredentialStore} keeps under one security tag, numbered as
 * Nordic modems number them in {@code AT%CMNG} so a tag provisioned for a modem reads the same
 * here.
 */
public enum CredentialType {
  /** The CA certificate(s) that the broker's certificate must chain to (PEM). */
  CA_CERTIFICATE(0, "ca.pem", "CERTIFICATE"),
  /** The client's own certificate chain, leaf first (PEM). */
  CLIENT_CERTIFICATE(1, "client-cert.pem", "CERTIFICATE"),
  /** The client's private key in any PEM form that {@code tls} reads, encrypted or not. */
  CLIENT_KEY(2, "client-key.pem", "PRIVATE KEY");

  private final int code;
  private final String fileName;
  private final String pemLabelSuffix;

  CredentialType(int code, String fileName, String pemLabelSuffix) {
    this.code = code;
    this.fileName = fileName;
    this.pemLabelSuffix = pemLabelSuffix;
  }

  /** The number Nordic's {@code AT%CMNG} uses for this type. */
  public int code() {
    return code;
  }

  /** The file name this type is stored under inside the tag's directory. */
  public String fileName() {
    return fileName;
  }

  /** Whether this credential is secret (its file is made readable by the owner only). */
  public boolean secret() {
    return this == CLIENT_KEY;
  }

  /** The type with the given {@code AT%CMNG} number. */
  public static CredentialType ofCode(int code) {
    for (CredentialType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("credential type code " + code + " is not 0, 1 or 2");
  }

  boolean acceptsLabel(String label) {
    return label.endsWith(pemLabelSuffix);
  }
}
