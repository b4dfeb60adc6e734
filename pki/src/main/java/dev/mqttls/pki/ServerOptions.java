package dev.mqttls.pki;

import dev.mqttls.pki.internal.Names;
import java.util.List;
import java.util.Optional;

/**
 * How {@link CertificateAuthority#issueServer} makes a server certificate.
 *
 * @param dnsNames extra DNS subject alternative names; when both lists are empty the CA uses the
 *     defaults (the host name, {@code localhost}, 127.0.0.1, ::1 and the machine's non-loopback
 *     addresses)
 * @param ipAddresses extra IP address subject alternative names, as literals
 * @param days validity in days (clamped to the issuing CA's own validity)
 * @param keyType the key type, or empty for the CA's own key type
 */
public record ServerOptions(
    List<String> dnsNames, List<String> ipAddresses, int days, Optional<KeyType> keyType) {
  /** The default server certificate validity: 825 days. */
  public static final int DEFAULT_DAYS = 825;

  /** Validates and copies the options. */
  public ServerOptions {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
    dnsNames.forEach(Names::checkDnsName);
    ipAddresses.forEach(Names::parseIp);
    Names.checkDays(days);
    keyType = keyType == null ? Optional.empty() : keyType;
  }

  /** Default SANs, 825 days, the CA's key type. */
  public static ServerOptions defaults() {
    return new ServerOptions(List.of(), List.of(), DEFAULT_DAYS, Optional.empty());
  }

  /** A copy with these DNS names (replacing the default set). */
  public ServerOptions withDnsNames(List<String> names) {
    return new ServerOptions(names, ipAddresses, days, keyType);
  }

  /** A copy with these IP addresses (replacing the default set). */
  public ServerOptions withIpAddresses(List<String> ips) {
    return new ServerOptions(dnsNames, ips, days, keyType);
  }

  /** A copy with another validity. */
  public ServerOptions withDays(int newDays) {
    return new ServerOptions(dnsNames, ipAddresses, newDays, keyType);
  }

  /** A copy with another key type. */
  public ServerOptions withKeyType(KeyType type) {
    return new ServerOptions(dnsNames, ipAddresses, days, Optional.of(type));
  }
}
