package dev.mqttls.tls.verify;

/** What the peer's certificate is verified for; decides the usage its leaf must allow. */
public enum Purpose {
  /** A TLS client certificate (extended key usage clientAuth), e.g. a device's. */
  CLIENT_AUTH("1.3.6.1.5.5.7.3.2"),
  /** A TLS server certificate (extended key usage serverAuth), e.g. a broker's. */
  SERVER_AUTH("1.3.6.1.5.5.7.3.1");

  private final String oid;

  Purpose(String oid) {
    this.oid = oid;
  }

  /** The extended key usage object identifier of this purpose. */
  public String oid() {
    return oid;
  }
}
