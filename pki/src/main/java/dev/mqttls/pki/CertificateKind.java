package dev.mqttls.pki;

/** What an issued certificate is for; recorded in the CA's index. */
public enum CertificateKind {
  /** A TLS server certificate (serverAuth EKU, DNS and IP SANs). */
  SERVER,
  /** A device (client) certificate (clientAuth EKU, CN = device id). */
  DEVICE,
  /**
   * A cluster node certificate: serverAuth and clientAuth (a node presents it both as TLS server
   * and as TLS client to the other nodes), DNS and IP SANs like a server's.
   */
  NODE;

  /** The lower-case form used in the index file and on the command line. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
