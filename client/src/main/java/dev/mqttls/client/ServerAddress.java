package dev.mqttls.client;

import java.util.Objects;

/**
 * One broker a client may connect to: a host name or IP address literal and a port. A client
 * configured with several tries them in order on {@link MqttClient#connect()} and round robin on
 * reconnect.
 *
 * @param host a DNS name or IP address literal (IPv6 without brackets)
 * @param port the TCP port, 1 to 65535
 */
public record ServerAddress(String host, int port) {
  /**
   * Checks the host and port; strips the brackets of an IPv6 literal.
   *
   * @throws IllegalArgumentException if the host is blank or holds white space, or the port is not
   *     in 1..65535
   */
  public ServerAddress {
    Objects.requireNonNull(host, "host");
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("host '" + host + "' is blank or holds white space");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
  }

  /** This address as a URL, such as {@code mqtts://broker.example:8883}. */
  public String url(boolean tls) {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return (tls ? "mqtts://" : "mqtt://") + h + ":" + port;
  }
}
