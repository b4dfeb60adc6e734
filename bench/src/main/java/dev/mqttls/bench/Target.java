package dev.mqttls.bench;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One broker under test.
 *
 * @param label how reports name it (usually its URL)
 * @param host host name or address to connect to
 * @param port TCP port
 * @param tls TLS settings, or empty for plain MQTT
 * @param brokerPid the broker's process id on this machine, for CPU and memory from {@code /proc}
 */
public record Target(
    String label, String host, int port, Optional<TlsOptions> tls, Optional<Long> brokerPid) {

  /** Checks the fields. */
  public Target {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(brokerPid, "brokerPid");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, was " + port);
    }
  }

  /** A plain MQTT target. */
  public static Target plain(String host, int port) {
    return new Target(
        "mqtt://" + host + ":" + port, host, port, Optional.empty(), Optional.empty());
  }

  /** A TLS target. */
  public static Target tls(String host, int port, TlsOptions tls) {
    return new Target(
        "mqtts://" + host + ":" + port, host, port, Optional.of(tls), Optional.empty());
  }

  /** This target with the broker's process id. */
  public Target withBrokerPid(long pid) {
    return new Target(label, host, port, tls, Optional.of(pid));
  }

  /** This target under another label. */
  public Target withLabel(String newLabel) {
    return new Target(newLabel, host, port, tls, brokerPid);
  }

  /** The unresolved socket address. */
  public InetSocketAddress address() {
    return InetSocketAddress.createUnresolved(host, port);
  }
}
