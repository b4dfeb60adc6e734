package dev.mqttls.doctor;

/** The steps of a probe, in the order a device runs them, plus configuration linting. */
public enum Step {
  /** Name resolution and the TCP connection. */
  CONNECT(1, "connect"),
  /** What protocol answers on the port: TLS, plain MQTT or something else. */
  PROTOCOL(2, "protocol on the port"),
  /** TLS versions, suites, ALPN and extensions the server accepts. */
  TLS_VERSIONS(3, "TLS versions and suites"),
  /** The certificate chain exactly as the server sent it. */
  CHAIN(4, "certificate chain as sent"),
  /** Verification of the server certificate against the trusted CA file and the name. */
  VERIFY(5, "server verification"),
  /** Whether the server asks for a client certificate and whether it accepts ours. */
  CLIENT_AUTH(6, "client authentication"),
  /** MQTT CONNECT, CONNACK and a subscribe/publish round trip. */
  MQTT(7, "MQTT"),
  /** Handshake time and bytes, bytes per message, session resumption. */
  COST(8, "cost"),
  /** Linting of a broker configuration file. */
  CONFIG(0, "configuration");

  private final int number;
  private final String title;

  Step(int number, String title) {
    this.number = number;
    this.title = title;
  }

  /** The step's number as the issue and the rendered report show it (0 for configuration). */
  public int number() {
    return number;
  }

  /** A short lower-case title for headings. */
  public String title() {
    return title;
  }
}
