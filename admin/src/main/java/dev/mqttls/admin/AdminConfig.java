package dev.mqttls.admin;

import dev.mqttls.broker.ConfigException;
import dev.mqttls.conf.ConfException;
import dev.mqttls.conf.ConfFile;
import dev.mqttls.conf.ConfReader;
import dev.mqttls.conf.Directive;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin HTTP listener's settings, read from the broker's own configuration file: {@code
 * http_listener PORT [ADDRESS]}, {@code http_certfile}/{@code http_keyfile} (HTTPS) and {@code
 * http_password_file} (basic authentication, mosquitto_passwd format). Immutable.
 *
 * <p>A listener reachable from other machines (an address that is not loopback, or none, which
 * means every interface) must have both TLS and a password file: metrics and the dashboard name
 * clients, certificates and topics.
 *
 * @param port the TCP port; 0 picks a free one
 * @param address the address to bind, empty for every interface
 * @param certFile the PEM certificate chain for HTTPS
 * @param keyFile the PEM private key of {@code certFile}
 * @param passwordFile the users allowed in, mosquitto_passwd format
 */
public record AdminConfig(
    int port,
    Optional<String> address,
    Optional<Path> certFile,
    Optional<Path> keyFile,
    Optional<Path> passwordFile) {

  public AdminConfig {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(passwordFile, "passwordFile");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535");
    }
    if (certFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("http_certfile and http_keyfile go together");
    }
  }

  /** A plain-HTTP listener on loopback without authentication (tests, first run). */
  public static AdminConfig loopback(int port) {
    return new AdminConfig(
        port, Optional.of("127.0.0.1"), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Whether the listener serves HTTPS. */
  public boolean tls() {
    return certFile.isPresent();
  }

  /**
   * Reads the {@code http_*} directives of {@code file} (the broker's configuration file).
   *
   * @return empty when the file has no {@code http_listener}
   * @throws ConfigException naming {@code FILE:LINE: directive:} and what is wrong
   */
  public static Optional<AdminConfig> read(Path file) throws ConfigException {
    try {
      return from(ConfReader.read(file));
    } catch (ConfException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /**
   * The admin listener {@code file} configures, checked as a whole.
   *
   * @return empty when there is no {@code http_listener}
   * @throws ConfigException naming {@code FILE:LINE: directive:} and what is wrong
   */
  public static Optional<AdminConfig> from(ConfFile file) throws ConfigException {
    Directive listener = null;
    Path cert = null;
    Path key = null;
    Path passwords = null;
    Directive last = null;
    try {
      for (Directive d : file.directives()) {
        switch (d.name()) {
          case "http_listener" -> {
            if (listener != null) {
              throw d.error("only one http_listener; the first is at " + listener.where());
            }
            listener = d;
          }
          case "http_certfile" -> cert = d.path(null);
          case "http_keyfile" -> key = d.path(null);
          case "http_password_file" -> passwords = d.path(null);
          default -> {
            continue;
          }
        }
        last = d;
      }
      if (listener == null) {
        if (last != null) {
          throw last.error("needs an http_listener PORT [ADDRESS] line");
        }
        return Optional.empty();
      }
      List<String> w = listener.words(1, 2);
      int port = (int) listener.integer(w.get(0), 0, 65535);
      Optional<String> address = w.size() == 2 ? Optional.of(w.get(1)) : Optional.empty();
      if ((cert == null) != (key == null)) {
        throw listener.error(
            "HTTPS needs both http_certfile and http_keyfile; only "
                + (cert == null ? "http_keyfile" : "http_certfile")
                + " is set");
      }
      AdminConfig c =
          new AdminConfig(
              port,
              address,
              Optional.ofNullable(cert),
              Optional.ofNullable(key),
              Optional.ofNullable(passwords));
      if (!c.loopbackOnly() && (!c.tls() || c.passwordFile.isEmpty())) {
        throw listener.error(
            "reachable from other machines ("
                + address.orElse("every interface")
                + ") without "
                + (c.tls() ? "" : "http_certfile/http_keyfile")
                + (!c.tls() && c.passwordFile.isEmpty() ? " and " : "")
                + (c.passwordFile.isEmpty() ? "http_password_file" : "")
                + ": metrics and the dashboard name clients and certificates; bind 127.0.0.1 or"
                + " set both");
      }
      return Optional.of(c);
    } catch (ConfException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /** Whether the bind address is a loopback address (a literal or {@code localhost}). */
  public boolean loopbackOnly() {
    if (address.isEmpty()) {
      return false;
    }
    String a = address.get();
    if (a.equals("localhost")) {
      return true;
    }
    try {
      // Literal addresses only: a host name is not resolved here (it could change later).
      if (!a.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 || ch == '.' || ch == ':')) {
        return false;
      }
      return InetAddress.getByName(a).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
