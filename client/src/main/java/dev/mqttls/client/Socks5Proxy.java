package dev.mqttls.client;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A SOCKS5 proxy the client connects through (RFC 1928), optionally with user name and password
 * (RFC 1929). The broker's host name is resolved by the proxy, not locally, as {@code socks5h://}
 * asks in {@code mosquitto_pub --proxy}. TLS runs end to end through the proxy. The password is
 * copied in and out and never printed.
 */
public final class Socks5Proxy {
  private final String host;
  private final int port;
  private final String username;
  private final char[] password;

  private Socks5Proxy(String host, int port, String username, char[] password) {
    ServerAddress checked = new ServerAddress(host, port);
    this.host = checked.host();
    this.port = checked.port();
    this.username = username;
    this.password = password;
  }

  /**
   * A proxy at {@code host:port} that needs no authentication.
   *
   * @throws IllegalArgumentException if the host is blank or the port not in 1..65535
   */
  public static Socks5Proxy of(String host, int port) {
    return new Socks5Proxy(host, port, null, null);
  }

  /**
   * This proxy with user name and password authentication (each at most 255 bytes).
   *
   * @throws IllegalArgumentException if either is empty or longer than 255 characters
   */
  public Socks5Proxy withCredentials(String username, char[] password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty() || username.length() > 255) {
      throw new IllegalArgumentException("proxy username must be 1..255 characters");
    }
    if (password.length == 0 || password.length > 255) {
      throw new IllegalArgumentException("proxy password must be 1..255 characters");
    }
    return new Socks5Proxy(host, port, username, password.clone());
  }

  /** The proxy's host name or address. */
  public String host() {
    return host;
  }

  /** The proxy's port. */
  public int port() {
    return port;
  }

  /** The user name, when the proxy asks for authentication. */
  public Optional<String> username() {
    return Optional.ofNullable(username);
  }

  /** A copy of the password, when set. */
  public Optional<char[]> password() {
    return Optional.ofNullable(password).map(char[]::clone);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Socks5Proxy p
        && host.equals(p.host)
        && port == p.port
        && Objects.equals(username, p.username)
        && Arrays.equals(password, p.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, username);
  }

  @Override
  public String toString() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return "socks5h://" + (username != null ? username + ":(set)@" : "") + h + ":" + port;
  }
}
